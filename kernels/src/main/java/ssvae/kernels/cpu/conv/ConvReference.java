package ssvae.kernels.cpu.conv;

import ssvae.kernels.cpu.Parallel;
import ssvae.tensor.ConvParams;
import ssvae.tensor.CpuStorage;
import ssvae.tensor.Tensor;

/**
 * Plain scalar convolution over contiguous NCDHW tensors, accumulated in double: the oracle for the fast paths.
 * Mirrors torch.nn.functional.conv3d (cross-correlation) with zero padding padBefore/padAfter, stride, dilation
 * and groups; x [N,C,D,H,W], w [OC, C/g, KD, KH, KW], out [N, OC, OD, OH, OW]:
 * out[n,o,z,y,x] = b[o] + sum_{c in group(o), i,j,k} x[n, c, z*s0-p0+i*d0, y*s1-p1+j*d1, x*s2-p2+k*d2] * w[o, c', i, j, k].
 */
public final class ConvReference {
    private ConvReference() {}

    /** Geometry of one convolution, derived from the tensor shapes. */
    record Geo(int n, int cin, int d, int h, int w, int cout, int kd, int kh, int kw, int od, int oh, int ow, int groups,
               int[] s, int[] p, int[] dl) {
        static Geo of(ConvParams p, int[] xs, int[] ws, int[] os) {
            return new Geo(xs[0], xs[1], xs[2], xs[3], xs[4], ws[0], ws[2], ws[3], ws[4], os[2], os[3], os[4], p.groups(),
                    p.stride(), p.padBefore(), p.dilation());
        }
        int cinG() { return cin / groups; }
        int coutG() { return cout / groups; }
    }

    static double[] load(Tensor t) {
        CpuStorage s = (CpuStorage) t.storage();
        int n = t.numel(), off = t.offset();
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = s.getDouble(off + i);
        return r;
    }

    static void store(double[] v, Tensor t) {
        CpuStorage s = (CpuStorage) t.storage();
        int off = t.offset();
        for (int i = 0; i < v.length; i++) s.setDouble(off + i, v[i]);
    }

    public static void forward(ConvParams p, Tensor x, Tensor w, Tensor bias, Tensor out) {
        Geo g = Geo.of(p, x.shape(), w.shape(), out.shape());
        double[] xv = load(x), wv = load(w), bv = bias == null ? null : load(bias);
        double[] ov = new double[out.numel()];
        int osp = g.od() * g.oh() * g.ow(), isp = g.d() * g.h() * g.w(), ksz = g.kd() * g.kh() * g.kw();
        Parallel.forRange(g.n() * g.cout(), 1, (s, e) -> {
            for (int no = s; no < e; no++) {
                int n = no / g.cout(), o = no % g.cout(), grp = o / g.coutG();
                for (int z = 0; z < g.od(); z++) for (int y = 0; y < g.oh(); y++) for (int xx = 0; xx < g.ow(); xx++) {
                    double acc = bv == null ? 0 : bv[o];
                    for (int c = 0; c < g.cinG(); c++) {
                        int xb = (n * g.cin() + grp * g.cinG() + c) * isp, wb = (o * g.cinG() + c) * ksz;
                        for (int i = 0; i < g.kd(); i++) {
                            int iz = z * g.s()[0] - g.p()[0] + i * g.dl()[0];
                            if (iz < 0 || iz >= g.d()) continue;
                            for (int j = 0; j < g.kh(); j++) {
                                int iy = y * g.s()[1] - g.p()[1] + j * g.dl()[1];
                                if (iy < 0 || iy >= g.h()) continue;
                                for (int k = 0; k < g.kw(); k++) {
                                    int ix = xx * g.s()[2] - g.p()[2] + k * g.dl()[2];
                                    if (ix < 0 || ix >= g.w()) continue;
                                    acc += xv[xb + (iz * g.h() + iy) * g.w() + ix] * wv[wb + (i * g.kh() + j) * g.kw() + k];
                                }
                            }
                        }
                    }
                    ov[no * osp + (z * g.oh() + y) * g.ow() + xx] = acc;
                }
            }
        });
        store(ov, out);
    }

    /** gradIn[n,c,pos(o,k)] += gradOut[n,o,z,y,x] * w[o,c',k] (the adjoint of forward). */
    public static void backwardInput(ConvParams p, Tensor gradOut, Tensor w, Tensor gradIn) {
        Geo g = Geo.of(p, gradIn.shape(), w.shape(), gradOut.shape());
        double[] gv = load(gradOut), wv = load(w);
        double[] gi = new double[gradIn.numel()];
        int osp = g.od() * g.oh() * g.ow(), isp = g.d() * g.h() * g.w(), ksz = g.kd() * g.kh() * g.kw();
        // parallel over (n, c): each task owns its input channel plane
        Parallel.forRange(g.n() * g.cin(), 1, (s, e) -> {
            for (int nc = s; nc < e; nc++) {
                int n = nc / g.cin(), cAll = nc % g.cin(), grp = cAll / g.cinG(), c = cAll % g.cinG();
                int xb = nc * isp;
                for (int o = grp * g.coutG(); o < (grp + 1) * g.coutG(); o++) {
                    int gb = (n * g.cout() + o) * osp, wb = (o * g.cinG() + c) * ksz;
                    for (int z = 0; z < g.od(); z++) for (int y = 0; y < g.oh(); y++) for (int xx = 0; xx < g.ow(); xx++) {
                        double go = gv[gb + (z * g.oh() + y) * g.ow() + xx];
                        for (int i = 0; i < g.kd(); i++) {
                            int iz = z * g.s()[0] - g.p()[0] + i * g.dl()[0];
                            if (iz < 0 || iz >= g.d()) continue;
                            for (int j = 0; j < g.kh(); j++) {
                                int iy = y * g.s()[1] - g.p()[1] + j * g.dl()[1];
                                if (iy < 0 || iy >= g.h()) continue;
                                for (int k = 0; k < g.kw(); k++) {
                                    int ix = xx * g.s()[2] - g.p()[2] + k * g.dl()[2];
                                    if (ix < 0 || ix >= g.w()) continue;
                                    gi[xb + (iz * g.h() + iy) * g.w() + ix] += go * wv[wb + (i * g.kh() + j) * g.kw() + k];
                                }
                            }
                        }
                    }
                }
            }
        });
        store(gi, gradIn);
    }

    /** gradW[o,c',k] = sum_{n,z,y,x} gradOut[n,o,z,y,x] * x[n,c,pos(z,y,x,k)]. */
    public static void backwardWeight(ConvParams p, Tensor x, Tensor gradOut, Tensor gradW) {
        Geo g = Geo.of(p, x.shape(), gradW.shape(), gradOut.shape());
        double[] xv = load(x), gv = load(gradOut);
        double[] gw = new double[gradW.numel()];
        int osp = g.od() * g.oh() * g.ow(), isp = g.d() * g.h() * g.w(), ksz = g.kd() * g.kh() * g.kw();
        Parallel.forRange(g.cout(), 1, (s, e) -> {
            for (int o = s; o < e; o++) {
                int grp = o / g.coutG();
                for (int c = 0; c < g.cinG(); c++) for (int i = 0; i < g.kd(); i++) for (int j = 0; j < g.kh(); j++)
                    for (int k = 0; k < g.kw(); k++) {
                        double acc = 0;
                        for (int n = 0; n < g.n(); n++) {
                            int xb = (n * g.cin() + grp * g.cinG() + c) * isp, gb = (n * g.cout() + o) * osp;
                            for (int z = 0; z < g.od(); z++) {
                                int iz = z * g.s()[0] - g.p()[0] + i * g.dl()[0];
                                if (iz < 0 || iz >= g.d()) continue;
                                for (int y = 0; y < g.oh(); y++) {
                                    int iy = y * g.s()[1] - g.p()[1] + j * g.dl()[1];
                                    if (iy < 0 || iy >= g.h()) continue;
                                    for (int xx = 0; xx < g.ow(); xx++) {
                                        int ix = xx * g.s()[2] - g.p()[2] + k * g.dl()[2];
                                        if (ix < 0 || ix >= g.w()) continue;
                                        acc += gv[gb + (z * g.oh() + y) * g.ow() + xx] * xv[xb + (iz * g.h() + iy) * g.w() + ix];
                                    }
                                }
                            }
                        }
                        gw[((o * g.cinG() + c) * g.kd() + i) * g.kh() * g.kw() + j * g.kw() + k] = acc;
                    }
            }
        });
        store(gw, gradW);
    }
}
