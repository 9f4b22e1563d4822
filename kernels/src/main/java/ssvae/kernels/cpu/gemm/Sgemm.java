package ssvae.kernels.cpu.gemm;

import ssvae.kernels.cpu.Parallel;

import static ssvae.kernels.cpu.gemm.SgemmMicro.MR;
import static ssvae.kernels.cpu.gemm.SgemmMicro.NR;

/**
 * Packed SGEMM driver (GotoBLAS loop order): C[m x n] (+)= A[m x k] * B[k x n], with A and B delivered as packed
 * panels by {@link PanelSource}s and C row-major at c[cOff + i * ldc + j]. Blocks: KC deep, MC rows of A, NC columns of B.
 */
public final class Sgemm {
    private Sgemm() {}

    public static final int KC = 384, MC = 120, NC = 1536;

    /** Per-thread packing buffers. */
    public static final class Workspace {
        final float[] pa = new float[((MC + MR - 1) / MR) * MR * KC];
        final float[] pb = new float[((NC + NR - 1) / NR) * NR * KC];
        final float[] scratch = new float[MR * NR];
    }

    private static final ThreadLocal<Workspace> WS = ThreadLocal.withInitial(Workspace::new);

    public static Workspace workspace() { return WS.get(); }

    /** Single-threaded C (+)= A * B over the whole problem. */
    public static void serial(int m, int n, int k, PanelSource a, PanelSource b, float[] c, int cOff, int ldc, boolean acc) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            if (!acc) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        Workspace ws = WS.get();
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean accumulate = acc || pc > 0;
                b.pack(ws.pb, 0, jc, nc, pc, kc, NR);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    a.pack(ws.pa, 0, ic, mc, pc, kc, MR);
                    macro(mc, nc, kc, ws, c, cOff + ic * ldc + jc, ldc, accumulate);
                }
            }
        }
    }

    /** The macro-kernel over one packed A block (mc x kc) and one packed B block (kc x nc). */
    static void macro(int mc, int nc, int kc, Workspace ws, float[] c, int cOff, int ldc, boolean acc) {
        float[] pa = ws.pa, pb = ws.pb;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bOff = (jr / NR) * kc * NR;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int aOff = (ir / MR) * kc * MR;
                int o = cOff + ir * ldc + jr;
                if (mr == MR && nr == NR) SgemmMicro.tile(kc, pa, aOff, pb, bOff, c, o, ldc, acc);
                else SgemmMicro.edge(kc, pa, aOff, pb, bOff, c, o, ldc, acc, mr, nr, ws.scratch);
            }
        }
    }

    /**
     * Multi-threaded over the Parallel pool: the output is cut into a grid of (M range) x (N range) blocks, each
     * computed by {@link #serial} on its own workspace. Sources must be safe to read concurrently.
     */
    public static void parallel(int m, int n, int k, PanelSource a, PanelSource b, float[] c, int cOff, int ldc, boolean acc) {
        int t = Parallel.threads();
        long work = (long) m * n * Math.max(k, 1);
        if (t <= 1 || work < (1L << 18)) { serial(m, n, k, a, b, c, cOff, ldc, acc); return; }
        int nBlocks = (n + NR - 1) / NR, mBlocks = (m + MR - 1) / MR;
        // prefer splitting N (each task then packs only its own B columns); split M when N is narrow
        int tn = Math.min(nBlocks, t), tm = Math.min(mBlocks, Math.max(1, t / tn));
        if (tn * tm < t && mBlocks >= t) { tm = t; tn = 1; }
        final int fn = tn, fm = tm;
        Parallel.forEach(fn * fm, task -> {
            int bn = task % fn, bm = task / fn;
            int j0 = (int) ((long) nBlocks * bn / fn) * NR, j1 = Math.min(n, (int) ((long) nBlocks * (bn + 1) / fn) * NR);
            int i0 = (int) ((long) mBlocks * bm / fm) * MR, i1 = Math.min(m, (int) ((long) mBlocks * (bm + 1) / fm) * MR);
            if (j1 <= j0 || i1 <= i0) return;
            PanelSource sa = (dst, off, r0, r, k0, kc, w) -> a.pack(dst, off, r0 + i0, r, k0, kc, w);
            PanelSource sb = (dst, off, r0, r, k0, kc, w) -> b.pack(dst, off, r0 + j0, r, k0, kc, w);
            serial(i1 - i0, j1 - j0, k, sa, sb, c, cOff + i0 * ldc + j0, ldc, acc);
        });
    }
}
