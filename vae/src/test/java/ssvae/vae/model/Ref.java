package ssvae.vae.model;

import java.util.Map;

/**
 * A float64 reference of the official dc_3dvae forward, written as plain loops over 5-D arrays directly from the
 * PyTorch code (views and permutes turned into index arithmetic), independent of the engine's tensor ops.
 * Weights come from a state dict keyed as the official one, so the keys are checked as well.
 */
final class Ref {
    /** A dense array [B, C, T, H, W] (or any shape for weights). */
    static final class A {
        final int[] s;
        final double[] d;

        A(int... s) {
            this.s = s.clone();
            int n = 1;
            for (int v : s) n *= v;
            d = new double[n];
        }

        A(double[] d, int... s) { this.s = s.clone(); this.d = d; }

        int B() { return s[0]; } int C() { return s[1]; } int T() { return s[2]; } int H() { return s[3]; } int W() { return s[4]; }

        int i5(int b, int c, int t, int h, int w) { return (((b * s[1] + c) * s[2] + t) * s[3] + h) * s[4] + w; }
        double g(int b, int c, int t, int h, int w) { return d[i5(b, c, t, h, w)]; }
        void p(int b, int c, int t, int h, int w, double v) { d[i5(b, c, t, h, w)] = v; }
    }

    final Map<String, A> sd;

    Ref(Map<String, A> sd) { this.sd = sd; }

    A w(String k) {
        A a = sd.get(k);
        if (a == null) throw new AssertionError("reference needs state-dict key " + k);
        return a;
    }

    // ------------------------------------------------------------------ primitives

    /** Conv with zero padding (before/after) on T, H, W; weight [O, I, kt, kh, kw]; time dilation dt. */
    static A conv(A x, A wt, A bias, int[] stride, int[] pb, int[] pa, int dt) {
        int O = wt.s[0], I = wt.s[1], kt = wt.s[2], kh = wt.s[3], kw = wt.s[4];
        int To = (x.T() + pb[0] + pa[0] - (dt * (kt - 1) + 1)) / stride[0] + 1;
        int Ho = (x.H() + pb[1] + pa[1] - kh) / stride[1] + 1;
        int Wo = (x.W() + pb[2] + pa[2] - kw) / stride[2] + 1;
        A y = new A(x.B(), O, To, Ho, Wo);
        for (int b = 0; b < x.B(); b++) for (int o = 0; o < O; o++) for (int t = 0; t < To; t++) for (int h = 0; h < Ho; h++) for (int ww = 0; ww < Wo; ww++) {
            double acc = bias == null ? 0 : bias.d[o];
            for (int i = 0; i < I; i++) for (int a = 0; a < kt; a++) {
                int ti = t * stride[0] - pb[0] + a * dt;
                if (ti < 0 || ti >= x.T()) continue;
                for (int c = 0; c < kh; c++) {
                    int hi = h * stride[1] - pb[1] + c;
                    if (hi < 0 || hi >= x.H()) continue;
                    for (int e = 0; e < kw; e++) {
                        int wi = ww * stride[2] - pb[2] + e;
                        if (wi < 0 || wi >= x.W()) continue;
                        acc += wt.d[(((o * I + i) * kt + a) * kh + c) * kw + e] * x.g(b, i, ti, hi, wi);
                    }
                }
            }
            y.p(b, o, t, h, ww, acc);
        }
        return y;
    }

    /** Prepends n frames: copies of frame 0 ('first') or zeros ('constant'). */
    static A padFront(A x, int n, boolean first) {
        A y = new A(x.B(), x.C(), x.T() + n, x.H(), x.W());
        for (int b = 0; b < x.B(); b++) for (int c = 0; c < x.C(); c++) for (int t = 0; t < y.T(); t++) for (int h = 0; h < x.H(); h++) for (int w = 0; w < x.W(); w++) {
            int src = t - n;
            double v = src >= 0 ? x.g(b, c, src, h, w) : first ? x.g(b, c, 0, h, w) : 0;
            y.p(b, c, t, h, w, v);
        }
        return y;
    }

    /** CausalConv3d(kernel 3): time padding 2 in front, spatial padding 1 or pad2d [top, bottom, left, right]. */
    A causalConv(A x, String prefix, boolean first, int stride, int spaceStride, int[] pad2d) {
        A wt = w(prefix + ".conv.weight");
        int tp = wt.s[2] - 1;
        int[] p2 = pad2d != null ? pad2d : new int[] {wt.s[3] / 2, wt.s[3] / 2, wt.s[4] / 2, wt.s[4] / 2};
        A xp = padFront(x, tp, first);
        return conv(xp, wt, w(prefix + ".conv.bias"), new int[] {stride, spaceStride, spaceStride}, new int[] {0, p2[0], p2[2]}, new int[] {0, p2[1], p2[3]}, 1);
    }

    static A silu(A x) {
        A y = new A(x.s);
        for (int i = 0; i < x.d.length; i++) y.d[i] = x.d[i] / (1 + Math.exp(-x.d[i]));
        return y;
    }

    static A add(A a, A b) {
        if (!java.util.Arrays.equals(a.s, b.s)) throw new AssertionError("shape " + java.util.Arrays.toString(a.s) + " vs " + java.util.Arrays.toString(b.s));
        A y = new A(a.s);
        for (int i = 0; i < a.d.length; i++) y.d[i] = a.d[i] + b.d[i];
        return y;
    }

    static A rms(A x, A gamma) {
        A y = new A(x.s);
        double sc = Math.sqrt(x.C());
        for (int b = 0; b < x.B(); b++) for (int t = 0; t < x.T(); t++) for (int h = 0; h < x.H(); h++) for (int w = 0; w < x.W(); w++) {
            double ss = 0;
            for (int c = 0; c < x.C(); c++) ss += x.g(b, c, t, h, w) * x.g(b, c, t, h, w);
            double n = Math.max(Math.sqrt(ss), 1e-12);
            for (int c = 0; c < x.C(); c++) y.p(b, c, t, h, w, x.g(b, c, t, h, w) / n * sc * gamma.d[c]);
        }
        return y;
    }

    static A group(A x, A wt, A bias) {
        A y = new A(x.s);
        int G = 32, cg = x.C() / G;
        for (int b = 0; b < x.B(); b++) for (int g = 0; g < G; g++) {
            double s = 0, n = 0;
            for (int c = g * cg; c < (g + 1) * cg; c++) for (int t = 0; t < x.T(); t++) for (int h = 0; h < x.H(); h++) for (int w = 0; w < x.W(); w++) { s += x.g(b, c, t, h, w); n++; }
            double m = s / n, v = 0;
            for (int c = g * cg; c < (g + 1) * cg; c++) for (int t = 0; t < x.T(); t++) for (int h = 0; h < x.H(); h++) for (int w = 0; w < x.W(); w++) v += Math.pow(x.g(b, c, t, h, w) - m, 2);
            double r = 1 / Math.sqrt(v / n + 1e-6);
            for (int c = g * cg; c < (g + 1) * cg; c++) for (int t = 0; t < x.T(); t++) for (int h = 0; h < x.H(); h++) for (int w = 0; w < x.W(); w++)
                y.p(b, c, t, h, w, (x.g(b, c, t, h, w) - m) * r * wt.d[c] + bias.d[c]);
        }
        return y;
    }

    static A layer(A x, A wt, A bias) {
        A y = new A(x.s);
        int C = x.C();
        for (int b = 0; b < x.B(); b++) for (int t = 0; t < x.T(); t++) for (int h = 0; h < x.H(); h++) for (int w = 0; w < x.W(); w++) {
            double m = 0, v = 0;
            for (int c = 0; c < C; c++) m += x.g(b, c, t, h, w);
            m /= C;
            for (int c = 0; c < C; c++) v += Math.pow(x.g(b, c, t, h, w) - m, 2);
            double r = 1 / Math.sqrt(v / C + 1e-5);
            for (int c = 0; c < C; c++) y.p(b, c, t, h, w, (x.g(b, c, t, h, w) - m) * r * wt.d[c] + bias.d[c]);
        }
        return y;
    }

    A norm(A x, String prefix, String kind) {
        return switch (kind) {
            case "groupnorm" -> group(x, w(prefix + ".weight"), w(prefix + ".bias"));
            case "layernorm" -> layer(x, w(prefix + ".weight"), w(prefix + ".bias"));
            default -> rms(x, w(prefix + ".gamma"));
        };
    }

    // ------------------------------------------------------------------ blocks

    A resnet(A x, String prefix, String norm, boolean first) {
        A h = silu(norm(x, prefix + ".norm1", norm));
        h = causalConv(h, prefix + ".conv1", first, 1, 1, null);
        h = silu(norm(h, prefix + ".norm2", norm));
        h = causalConv(h, prefix + ".conv2", first, 1, 1, null);
        A sc = x;
        if (sd.containsKey(prefix + ".nin_shortcut.weight"))
            sc = conv(x, w(prefix + ".nin_shortcut.weight"), w(prefix + ".nin_shortcut.bias"), new int[] {1, 1, 1}, new int[3], new int[3], 1);
        return add(sc, h);
    }

    A attention(A x, String prefix) {
        int B = x.B(), C = x.C(), T = x.T(), H = x.H(), W = x.W(), N = H * W;
        A gamma = w(prefix + ".norm.gamma"), wq = w(prefix + ".to_qkv.weight"), bq = w(prefix + ".to_qkv.bias");
        A wp = w(prefix + ".proj.weight"), bp = w(prefix + ".proj.bias");
        A y = new A(x.s);
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) {
            double[][] xn = new double[N][C];
            for (int n = 0; n < N; n++) {
                double ss = 0;
                for (int c = 0; c < C; c++) ss += Math.pow(x.g(b, c, t, n / W, n % W), 2);
                double nn = Math.max(Math.sqrt(ss), 1e-12);
                for (int c = 0; c < C; c++) xn[n][c] = x.g(b, c, t, n / W, n % W) / nn * Math.sqrt(C) * gamma.d[c];
            }
            double[][] qkv = new double[N][3 * C];
            for (int n = 0; n < N; n++) for (int j = 0; j < 3 * C; j++) {
                double a = bq.d[j];
                for (int c = 0; c < C; c++) a += wq.d[j * C + c] * xn[n][c];
                qkv[n][j] = a;
            }
            for (int n = 0; n < N; n++) {
                double[] sc = new double[N];
                double mx = Double.NEGATIVE_INFINITY;
                for (int m = 0; m < N; m++) {
                    double a = 0;
                    for (int c = 0; c < C; c++) a += qkv[n][c] * qkv[m][C + c];
                    sc[m] = a / Math.sqrt(C);
                    mx = Math.max(mx, sc[m]);
                }
                double z = 0;
                for (int m = 0; m < N; m++) { sc[m] = Math.exp(sc[m] - mx); z += sc[m]; }
                double[] o = new double[C];
                for (int m = 0; m < N; m++) for (int c = 0; c < C; c++) o[c] += sc[m] / z * qkv[m][2 * C + c];
                for (int c = 0; c < C; c++) {
                    double a = bp.d[c];
                    for (int k = 0; k < C; k++) a += wp.d[c * C + k] * o[k];
                    y.p(b, c, t, n / W, n % W, a + x.g(b, c, t, n / W, n % W));
                }
            }
        }
        return y;
    }

    /** ResDownSample3D. */
    A down(A x, String prefix, boolean compressTime, boolean shortcutFirst, int out) {
        A sc = compressTime ? avg3(x, out, shortcutFirst) : avg2(x, out);
        A h;
        if (compressTime) h = causalConv(x, prefix + ".conv", true, 2, 2, new int[] {0, 1, 0, 1});
        else {
            A w2 = w(prefix + ".conv.weight");
            A w3 = new A(w2.d, w2.s[0], w2.s[1], 1, w2.s[2], w2.s[3]);
            h = conv(x, w3, w(prefix + ".conv.bias"), new int[] {1, 2, 2}, new int[3], new int[] {0, 1, 1}, 1);
        }
        return add(h, sc);
    }

    static A avg3(A x, int out, boolean first) {
        A p = padFront(x, 1, first);
        int C = x.C(), g = C * 8 / out;
        A y = new A(x.B(), out, p.T() / 2, x.H() / 2, x.W() / 2);
        for (int b = 0; b < x.B(); b++) for (int o = 0; o < out; o++) for (int t = 0; t < y.T(); t++) for (int h = 0; h < y.H(); h++) for (int w = 0; w < y.W(); w++) {
            double s = 0;
            for (int j = o * g; j < (o + 1) * g; j++) {
                int c = j / 8, ft = (j / 4) % 2, fh = (j / 2) % 2, fw = j % 2;
                s += p.g(b, c, 2 * t + ft, 2 * h + fh, 2 * w + fw);
            }
            y.p(b, o, t, h, w, s / g);
        }
        return y;
    }

    static A avg2(A x, int out) {
        int C = x.C(), g = C * 4 / out;
        A y = new A(x.B(), out, x.T(), x.H() / 2, x.W() / 2);
        for (int b = 0; b < x.B(); b++) for (int o = 0; o < out; o++) for (int t = 0; t < y.T(); t++) for (int h = 0; h < y.H(); h++) for (int w = 0; w < y.W(); w++) {
            double s = 0;
            for (int j = o * g; j < (o + 1) * g; j++) {
                int c = j / 4, fh = (j / 2) % 2, fw = j % 2;
                s += x.g(b, c, t, 2 * h + fh, 2 * w + fw);
            }
            y.p(b, o, t, h, w, s / g);
        }
        return y;
    }

    static A dup3(A x, int out, boolean newShuffle) {
        int C = x.C(), reps = out * 8 / C;
        A y = new A(x.B(), out, 2 * x.T() - 1, 2 * x.H(), 2 * x.W());
        for (int b = 0; b < x.B(); b++) for (int o = 0; o < out; o++) for (int tt = 1; tt < 2 * x.T(); tt++) for (int hh = 0; hh < 2 * x.H(); hh++) for (int ww = 0; ww < 2 * x.W(); ww++) {
            int ft = tt % 2, fh = hh % 2, fw = ww % 2, f = ft * 4 + fh * 2 + fw;
            int src = newShuffle ? (o % (C / 8)) * 8 + f : (o * 8 + f) / reps;
            y.p(b, o, tt - 1, hh, ww, x.g(b, src, tt / 2, hh / 2, ww / 2));
        }
        return y;
    }

    static A dup2(A x, int out, boolean newShuffle) {
        int C = x.C(), reps = out * 4 / C;
        A y = new A(x.B(), out, x.T(), 2 * x.H(), 2 * x.W());
        for (int b = 0; b < x.B(); b++) for (int o = 0; o < out; o++) for (int t = 0; t < x.T(); t++) for (int hh = 0; hh < 2 * x.H(); hh++) for (int ww = 0; ww < 2 * x.W(); ww++) {
            int f = (hh % 2) * 2 + ww % 2;
            int src = newShuffle ? (o % (C / 4)) * 4 + f : (o * 4 + f) / reps;
            y.p(b, o, t, hh, ww, x.g(b, src, t, hh / 2, ww / 2));
        }
        return y;
    }

    /** Linear interpolation weights of PyTorch (align_corners=False, scale 2): index pairs and lambdas. */
    static double[] lin(int dst, int n) {
        double src = Math.max((dst + 0.5) * 0.5 - 0.5, 0);
        int i0 = (int) src;
        int i1 = i0 < n - 1 ? i0 + 1 : i0;
        double l1 = src - i0;
        return new double[] {i0, i1, 1 - l1, l1};
    }

    static A bilinear(A x) {
        A y = new A(x.B(), x.C(), x.T(), 2 * x.H(), 2 * x.W());
        for (int b = 0; b < x.B(); b++) for (int c = 0; c < x.C(); c++) for (int t = 0; t < x.T(); t++) for (int h = 0; h < y.H(); h++) for (int w = 0; w < y.W(); w++) {
            double[] lh = lin(h, x.H()), lw = lin(w, x.W());
            double v = 0;
            for (int a = 0; a < 2; a++) for (int e = 0; e < 2; e++)
                v += lh[2 + a] * lw[2 + e] * x.g(b, c, t, (int) lh[a], (int) lw[e]);
            y.p(b, c, t, h, w, v);
        }
        return y;
    }

    static A trilinear(A x) {
        A y = new A(x.B(), x.C(), 2 * x.T(), 2 * x.H(), 2 * x.W());
        for (int b = 0; b < x.B(); b++) for (int c = 0; c < x.C(); c++) for (int t = 0; t < y.T(); t++) for (int h = 0; h < y.H(); h++) for (int w = 0; w < y.W(); w++) {
            double[] lt = lin(t, x.T()), lh = lin(h, x.H()), lw = lin(w, x.W());
            double v = 0;
            for (int q = 0; q < 2; q++) for (int a = 0; a < 2; a++) for (int e = 0; e < 2; e++)
                v += lt[2 + q] * lh[2 + a] * lw[2 + e] * x.g(b, c, (int) lt[q], (int) lh[a], (int) lw[e]);
            y.p(b, c, t, h, w, v);
        }
        return y;
    }

    static A nearest(A x, boolean time) {
        int ft = time ? 2 : 1;
        A y = new A(x.B(), x.C(), ft * x.T(), 2 * x.H(), 2 * x.W());
        for (int b = 0; b < x.B(); b++) for (int c = 0; c < x.C(); c++) for (int t = 0; t < y.T(); t++) for (int h = 0; h < y.H(); h++) for (int w = 0; w < y.W(); w++)
            y.p(b, c, t, h, w, x.g(b, c, t / ft, h / 2, w / 2));
        return y;
    }

    static A frames(A x, int from, int n) {
        A y = new A(x.B(), x.C(), n, x.H(), x.W());
        for (int b = 0; b < x.B(); b++) for (int c = 0; c < x.C(); c++) for (int t = 0; t < n; t++) for (int h = 0; h < x.H(); h++) for (int w = 0; w < x.W(); w++)
            y.p(b, c, t, h, w, x.g(b, c, from + t, h, w));
        return y;
    }

    static A catT(A a, A b) {
        A y = new A(a.B(), a.C(), a.T() + b.T(), a.H(), a.W());
        for (int bb = 0; bb < a.B(); bb++) for (int c = 0; c < a.C(); c++) for (int t = 0; t < y.T(); t++) for (int h = 0; h < a.H(); h++) for (int w = 0; w < a.W(); w++)
            y.p(bb, c, t, h, w, t < a.T() ? a.g(bb, c, t, h, w) : b.g(bb, c, t - a.T(), h, w));
        return y;
    }

    /** ResUpsample3D, following the official branches literally. */
    A up(A x, String prefix, boolean compressTime, boolean spatialI, boolean temporalI, boolean newShuffle, int out) {
        A sc = compressTime ? dup3(x, out, newShuffle) : dup2(x, out, newShuffle);
        A h;
        if (compressTime) {
            if (x.T() > 1) {
                if (temporalI && spatialI) {
                    A first = bilinear(frames(x, 0, 1));
                    A tri = trilinear(x);
                    h = catT(first, frames(tri, 2, tri.T() - 2));
                } else if (spatialI) {
                    A s = bilinear(x);
                    A rest = frames(s, 1, s.T() - 1);
                    A restR = new A(rest.B(), rest.C(), 2 * rest.T(), rest.H(), rest.W());
                    for (int b = 0; b < rest.B(); b++) for (int c = 0; c < rest.C(); c++) for (int t = 0; t < restR.T(); t++) for (int hh = 0; hh < rest.H(); hh++) for (int w = 0; w < rest.W(); w++)
                        restR.p(b, c, t, hh, w, rest.g(b, c, t / 2, hh, w));
                    h = catT(frames(s, 0, 1), restR);
                } else {
                    A first = nearest(frames(x, 0, 1), false);
                    A rest = nearest(frames(x, 1, x.T() - 1), true);
                    h = catT(first, rest);
                }
            } else h = spatialI ? bilinear(x) : nearest(x, false);
        } else h = spatialI ? bilinear(x) : nearest(x, false);
        if (sd.containsKey(prefix + ".conv.conv.weight")) h = causalConv(h, prefix + ".conv", true, 1, 1, null);
        return add(h, sc);
    }

    // ------------------------------------------------------------------ encoder / decoder (official construction loops)

    A encoder(A x, CoderParams p) {
        boolean first = p.padMode().equals("first");
        int n = p.levels();
        int[] m = new int[n + 1];
        m[0] = 1;
        for (int i = 0; i < n; i++) m[i + 1] = p.chMult().get(i);
        A h = causalConv(x, "encoder.conv_in", first, 1, 1, null);
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < p.numResBlocks(); b++) h = resnet(h, "encoder.down." + i + ".block." + b, p.norm(), first);
            if (i != n - 1) h = down(h, "encoder.down." + i + ".downsample", p.temporalUpsample().get(i), p.newShuffle(), p.ch() * m[i + 2]);
        }
        int k = 0;
        for (int i = 0; i < p.numMidBlocks(); i++) {
            h = resnet(h, "encoder.mid." + k++, p.norm(), first);
            if (i != p.numResBlocks() - 1 && p.midAttn()) h = attention(h, "encoder.mid." + k++);
        }
        h = silu(norm(h, "encoder.out.0", p.norm()));
        return causalConv(h, "encoder.out.2", first, 1, 1, null);
    }

    A decoder(A z, CoderParams p) {
        boolean first = p.padMode().equals("first");
        int n = p.levels();
        int[] m = new int[n + 1];
        m[0] = p.chMult().get(n - 1);
        for (int i = 0; i < n; i++) m[i + 1] = p.chMult().get(n - 1 - i);
        A h = causalConv(z, "decoder.conv_in", first, 1, 1, null);
        int k = 0;
        for (int i = 0; i < p.numMidBlocks(); i++) {
            h = resnet(h, "decoder.mid." + k++, p.norm(), first);
            if (i != p.numMidBlocks() - 1 && p.midAttn()) h = attention(h, "decoder.mid." + k++);
        }
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < p.numResBlocks() + 1; b++) h = resnet(h, "decoder.up." + i + ".block." + b, p.norm(), first);
            if (i != n - 1) {
                boolean ct = p.temporalUpsample().get(i);
                h = up(h, "decoder.up." + i + ".upsample", ct, p.spatialInterpolate(), ct && p.temporalInterpolate(), p.newShuffle(), p.ch() * m[i + 2]);
            }
        }
        h = silu(norm(h, "decoder.out.0", p.norm()));
        return causalConv(h, "decoder.out.2", first, 1, 1, null);
    }

    // ------------------------------------------------------------------ regulariser

    /** sum over elements of 0.5 (mu^2 + var - 1 - logvar) / B, logvar clamped to [-30, 20]. */
    static double kl(A moments) {
        int z = moments.C() / 2;
        double s = 0;
        for (int b = 0; b < moments.B(); b++) for (int c = 0; c < z; c++) for (int t = 0; t < moments.T(); t++) for (int h = 0; h < moments.H(); h++) for (int w = 0; w < moments.W(); w++) {
            double mu = moments.g(b, c, t, h, w), lv = Math.min(Math.max(moments.g(b, z + c, t, h, w), -30), 20);
            s += 0.5 * (mu * mu + Math.exp(lv) - 1 - lv);
        }
        return s / moments.B();
    }

    /** [image, video, average] local correlation of a mode tensor after the per-channel normalisation. */
    static double[] lcr(A mode, int tw, int hw, int ww, String weight) {
        int B = mode.B(), D = mode.C(), F = mode.T(), H = mode.H(), W = mode.W();
        A zn = new A(mode.s);
        for (int c = 0; c < D; c++) {
            double s = 0; int n = 0;
            for (int b = 0; b < B; b++) for (int t = 0; t < F; t++) for (int h = 0; h < H; h++) for (int w = 0; w < W; w++) { s += mode.g(b, c, t, h, w); n++; }
            double m = s / n, v = 0;
            for (int b = 0; b < B; b++) for (int t = 0; t < F; t++) for (int h = 0; h < H; h++) for (int w = 0; w < W; w++) v += Math.pow(mode.g(b, c, t, h, w) - m, 2);
            double sd = Math.sqrt(v / (n - 1));
            for (int b = 0; b < B; b++) for (int t = 0; t < F; t++) for (int h = 0; h < H; h++) for (int w = 0; w < W; w++) zn.p(b, c, t, h, w, (mode.g(b, c, t, h, w) - m) / (sd + 1e-6));
        }
        double img = windows(zn, 0, 1, hw, ww);
        if (F == 1) return new double[] {img, Double.NaN, img};
        double vid = windows(zn, 1, tw, hw, ww);
        double avg = switch (weight) {
            case "average" -> (img + vid) / 2;
            case "frame_weight" -> (img + (F - 1) * vid) / F;
            case "window_weight" -> (img + (F - 1.0) / tw * vid) / (1 + (F - 1.0) / tw);
            default -> throw new AssertionError(weight);
        };
        return new double[] {img, vid, avg};
    }

    /** Mean Pearson correlation over all position pairs of every (tw x hw x ww) window starting at frame t0. */
    static double windows(A z, int t0, int tw, int hw, int ww) {
        int D = z.C();
        double sum = 0; long count = 0;
        for (int b = 0; b < z.B(); b++) for (int ft = t0; ft + tw <= (t0 == 0 ? 1 : z.T()); ft += tw) for (int h0 = 0; h0 < z.H(); h0 += hw) for (int w0 = 0; w0 < z.W(); w0 += ww) {
            int n = tw * hw * ww;
            double[][] v = new double[n][D];
            int k = 0;
            for (int a = 0; a < tw; a++) for (int c = 0; c < hw; c++) for (int e = 0; e < ww; e++) {
                double m = 0;
                for (int d = 0; d < D; d++) m += z.g(b, d, ft + a, h0 + c, w0 + e);
                m /= D;
                double nn = 0;
                for (int d = 0; d < D; d++) { v[k][d] = z.g(b, d, ft + a, h0 + c, w0 + e) - m; nn += v[k][d] * v[k][d]; }
                nn = Math.sqrt(nn) + 1e-8;
                for (int d = 0; d < D; d++) v[k][d] /= nn;
                k++;
            }
            for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) {
                double dot = 0;
                for (int d = 0; d < D; d++) dot += v[i][d] * v[j][d];
                sum += dot; count++;
            }
        }
        return sum / count;
    }
}
