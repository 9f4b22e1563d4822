package ssvae.kernels.cpu;

import ssvae.tensor.Tensor;

/**
 * The one loop nest for elementwise work over several operands of the same (broadcast) shape:
 * dims are coalesced where every operand is contiguous across them, the last dim is the inner row,
 * and rows are distributed over threads. Strides may be zero (expand) or negative (flip).
 */
public final class StridedLoop {
    public final int[] shape;      // coalesced, rank >= 1
    public final int[][] strides;  // [operand][dim]
    public final int[] offsets;
    public final int inner;        // length of a row
    public final int rows;

    public StridedLoop(int[] fullShape, Tensor... ops) {
        int k = ops.length;
        int r = fullShape.length;
        int[][] st = new int[k][];
        for (int i = 0; i < k; i++) {
            st[i] = ops[i].strides();
            if (st[i].length != r) throw new IllegalArgumentException("operand rank differs from loop rank");
        }
        // drop size-1 dims, then merge adjacent dims contiguous for every operand
        int[] shp = new int[Math.max(r, 1)];
        int[][] ss = new int[k][Math.max(r, 1)];
        int n = 0;
        for (int d = 0; d < r; d++) {
            if (fullShape[d] == 1) continue;
            if (n > 0) {
                boolean merge = true;
                for (int i = 0; i < k; i++) if (ss[i][n - 1] != st[i][d] * fullShape[d]) { merge = false; break; }
                if (merge) {
                    shp[n - 1] *= fullShape[d];
                    for (int i = 0; i < k; i++) ss[i][n - 1] = st[i][d];
                    continue;
                }
            }
            shp[n] = fullShape[d];
            for (int i = 0; i < k; i++) ss[i][n] = st[i][d];
            n++;
        }
        if (n == 0) { shp[0] = 1; n = 1; for (int i = 0; i < k; i++) ss[i][0] = 1; }
        for (int d = 0; d < r; d++) if (fullShape[d] == 0) { shp[0] = 0; n = 1; break; }
        this.shape = java.util.Arrays.copyOf(shp, n);
        this.strides = new int[k][];
        for (int i = 0; i < k; i++) strides[i] = java.util.Arrays.copyOf(ss[i], n);
        this.offsets = new int[k];
        for (int i = 0; i < k; i++) offsets[i] = ops[i].offset();
        this.inner = shape[n - 1];
        long rw = 1;
        for (int d = 0; d < n - 1; d++) rw *= shape[d];
        this.rows = inner == 0 ? 0 : (int) rw;
    }

    public int innerStride(int operand) { return strides[operand][shape.length - 1]; }

    /** True when operand's rows are unit-stride. */
    public boolean innerContiguous(int operand) { return innerStride(operand) == 1; }

    /** A row body: base[i] is operand i's offset of the first element, len the number of elements (a row or a segment of one). */
    @FunctionalInterface
    public interface Row { void run(int[] base, int len); }

    /**
     * Rows longer than 2 * SEG are cut into segments of SEG elements so that a contiguous tensor (one coalesced row)
     * still spreads over threads. The cut points do not depend on the thread count, so neither do the results.
     */
    public static final int SEG = 16384;

    /** Runs rows [start, end) sequentially, whole. */
    public void runRows(int start, int end, Row row) {
        int k = offsets.length, r = shape.length;
        int[] idx = new int[r];
        int[] base = new int[k];
        int rem = start;
        for (int d = r - 2; d >= 0; d--) { idx[d] = rem % shape[d]; rem /= shape[d]; }
        for (int i = 0; i < k; i++) {
            int b = offsets[i];
            for (int d = 0; d < r - 1; d++) b += idx[d] * strides[i][d];
            base[i] = b;
        }
        for (int r0 = start; r0 < end; r0++) {
            row.run(base, inner);
            for (int d = r - 2; d >= 0; d--) {
                idx[d]++;
                for (int i = 0; i < k; i++) base[i] += strides[i][d];
                if (idx[d] < shape[d]) break;
                for (int i = 0; i < k; i++) base[i] -= strides[i][d] * shape[d];
                idx[d] = 0;
            }
        }
    }

    /** Offsets of row r's first element for every operand. */
    private void rowBase(int r, int[] base) {
        int k = offsets.length;
        for (int i = 0; i < k; i++) base[i] = offsets[i];
        int rem = r;
        for (int d = shape.length - 2; d >= 0; d--) {
            int ix = rem % shape[d]; rem /= shape[d];
            for (int i = 0; i < k; i++) base[i] += ix * strides[i][d];
        }
    }

    /** Runs all rows (or row segments), in parallel when the work is large enough. */
    public void run(Row row) {
        if (rows == 0) return;
        int segs = inner > 2 * SEG ? (inner + SEG - 1) / SEG : 1;
        if (segs == 1) {
            int grain = Math.max(1, 32768 / Math.max(inner, 1));
            Parallel.forRange(rows, grain, (s, e) -> runRows(s, e, row));
            return;
        }
        int k = offsets.length;
        Parallel.forRange(rows * segs, 2, (s, e) -> {
            int[] base = new int[k];
            for (int u = s; u < e; u++) {
                int r = u / segs, off = (u % segs) * SEG;
                rowBase(r, base);
                for (int i = 0; i < k; i++) base[i] += off * innerStride(i);
                row.run(base, Math.min(SEG, inner - off));
            }
        });
    }
}
