package ssvae.kernels.cpu;

import ssvae.tensor.CpuStorage;
import ssvae.tensor.Tensor;

/** index_select / index_add_ / gather / scatter_add_ (generic dtype; index I64 or I32). */
public final class CpuIndex {
    private CpuIndex() {}

    private static int idx(CpuStorage s, Tensor t, int i, int bound) {
        long v = s.getLong(t.offset() + i * t.stride(0));
        if (v < 0) v += bound;
        if (v < 0 || v >= bound) throw new IndexOutOfBoundsException("index " + v + " is out of bounds for size " + bound);
        return (int) v;
    }

    /** Slabs of at least this many elements are moved by the strided copy / add kernels (vectorised, parallel). */
    static final int SLAB = 512;

    /** The view t.select(dim, i) without autograd. */
    static Tensor selectRaw(Tensor t, int dim, int i) {
        int[] sh = t.shape(), st = t.strides();
        int[] ns = new int[sh.length - 1], nst = new int[sh.length - 1];
        for (int d = 0, k = 0; d < sh.length; d++) if (d != dim) { ns[k] = sh[d]; nst[k] = st[d]; k++; }
        return new Tensor(t.storage(), ns, nst, t.offset() + i * st[dim]);
    }

    /** out[.., i, ..] = x[.., index[i], ..] along dim. */
    public static void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        int[] os = out.shape(), xst = x.strides(), ost = out.strides();
        CpuStorage sx = (CpuStorage) x.storage(), so = (CpuStorage) out.storage(), si = (CpuStorage) index.storage();
        int n = x.shape()[dim];
        int r = os.length, total = out.numel();
        int[] map = new int[os[dim]];
        for (int i = 0; i < map.length; i++) map[i] = idx(si, index, i, n);
        if (map.length > 0 && total / map.length >= SLAB) { // e.g. replicate/reflect padding of activations
            for (int i = 0; i < map.length; i++) CpuElementwise.copy(selectRaw(x, dim, map[i]), selectRaw(out, dim, i));
            return;
        }
        Parallel.forRange(total, 8192, (s, e) -> {
            for (int o = s; o < e; o++) {
                int rem = o, xb = x.offset(), ob = out.offset();
                for (int d = r - 1; d >= 0; d--) {
                    int i = rem % os[d]; rem /= os[d];
                    xb += (d == dim ? map[i] : i) * xst[d]; ob += i * ost[d];
                }
                if (x.dtype().floating) so.setDouble(ob, sx.getDouble(xb)); else so.setLong(ob, sx.getLong(xb));
            }
        });
    }

    /** dst[.., index[i], ..] += src[.., i, ..] (sequential: repeated indices accumulate deterministically). */
    public static void indexAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        int[] ss = src.shape(), sst = src.strides(), dst_ = dst.strides();
        CpuStorage sd = (CpuStorage) dst.storage(), sv = (CpuStorage) src.storage(), si = (CpuStorage) index.storage();
        int n = dst.shape()[dim];
        int r = ss.length, total = src.numel();
        int[] map = new int[ss[dim]];
        for (int i = 0; i < map.length; i++) map[i] = idx(si, index, i, n);
        if (map.length > 0 && total / map.length >= SLAB && dst.dtype() == src.dtype() && dst.dtype().floating) {
            // slab by slab in index order: repeated indices accumulate in the same order as the scalar loop
            for (int i = 0; i < map.length; i++) {
                Tensor d = selectRaw(dst, dim, map[i]);
                CpuElementwise.binary(ssvae.tensor.BinaryOp.ADD, d, selectRaw(src, dim, i), d);
            }
            return;
        }
        for (int o = 0; o < total; o++) {
            int rem = o, db = dst.offset(), sb = src.offset();
            for (int d = r - 1; d >= 0; d--) {
                int i = rem % ss[d]; rem /= ss[d];
                db += (d == dim ? map[i] : i) * dst_[d]; sb += i * sst[d];
            }
            sd.setDouble(db, sd.getDouble(db) + sv.getDouble(sb));
        }
    }

    /** out[i][j][k] = x[index[i][j][k]][j][k] for dim 0 (and likewise for other dims). */
    public static void gather(Tensor x, int dim, Tensor index, Tensor out) {
        int[] os = out.shape(), xst = x.strides(), ist = index.strides(), ost = out.strides();
        CpuStorage sx = (CpuStorage) x.storage(), so = (CpuStorage) out.storage(), si = (CpuStorage) index.storage();
        int n = x.shape()[dim], r = os.length, total = out.numel();
        Parallel.forRange(total, 8192, (s, e) -> {
            for (int o = s; o < e; o++) {
                int rem = o, xb = x.offset(), ib = index.offset(), ob = out.offset();
                for (int d = r - 1; d >= 0; d--) {
                    int i = rem % os[d]; rem /= os[d];
                    ib += i * ist[d]; ob += i * ost[d];
                    if (d != dim) xb += i * xst[d];
                }
                long v = si.getLong(ib);
                if (v < 0) v += n;
                if (v < 0 || v >= n) throw new IndexOutOfBoundsException("gather index " + v + " out of bounds for size " + n);
                xb += (int) v * xst[dim];
                if (x.dtype().floating) so.setDouble(ob, sx.getDouble(xb)); else so.setLong(ob, sx.getLong(xb));
            }
        });
    }

    /** dst[index[i][j]][j] += src[i][j] for dim 0 (sequential, deterministic). */
    public static void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        int[] is = index.shape(), dstS = dst.strides(), ist = index.strides(), sst = src.strides();
        CpuStorage sd = (CpuStorage) dst.storage(), sv = (CpuStorage) src.storage(), si = (CpuStorage) index.storage();
        int n = dst.shape()[dim], r = is.length, total = index.numel();
        for (int o = 0; o < total; o++) {
            int rem = o, db = dst.offset(), ib = index.offset(), sb = src.offset();
            for (int d = r - 1; d >= 0; d--) {
                int i = rem % is[d]; rem /= is[d];
                ib += i * ist[d]; sb += i * sst[d];
                if (d != dim) db += i * dstS[d];
            }
            long v = si.getLong(ib);
            if (v < 0) v += n;
            if (v < 0 || v >= n) throw new IndexOutOfBoundsException("scatter index " + v + " out of bounds for size " + n);
            db += (int) v * dstS[dim];
            sd.setDouble(db, sd.getDouble(db) + sv.getDouble(sb));
        }
    }
}
