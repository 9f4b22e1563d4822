// Operand views of the GEMM family (host and device): each gives M, N, K, a(z, m, k), b(z, k, n) and
// store(z, m, n, acc) over strided matmul operands or the implicit im2col matrices of conv3d; see gemm.cu.
#pragma once
#include "common.cuh"

// ------------------------------------------------------------------ operand views

struct MatGeo {
    int M, N, K;
    int adt, bdt, odt;
    int asb, asm_, ask, aoff;
    int bsb, bsk, bsn, boff;
    int osb, osm, osn, ooff;
};

struct MatView {
    const void* A; const void* B; void* O; MatGeo g;
    HD int M() const { return g.M; }
    HD int N() const { return g.N; }
    HD int K() const { return g.K; }
    HD double a(int z, int m, int k) const { return ld(A, g.adt, (long long) g.aoff + (long long) z * g.asb + (long long) m * g.asm_ + (long long) k * g.ask); }
    HD double b(int z, int k, int n) const { return ld(B, g.bdt, (long long) g.boff + (long long) z * g.bsb + (long long) k * g.bsk + (long long) n * g.bsn); }
    HD void store(int z, int m, int n, double v) const { st(O, g.odt, (long long) g.ooff + (long long) z * g.osb + (long long) m * g.osm + (long long) n * g.osn, v); }
};

struct ConvGeo {
    int N, IC, ID, IH, IW, OC, OD, OH, OW, KD, KH, KW;
    int sd, sh, sw, pd, ph, pw, dd, dh, dw, groups;
    int xdt, wdt, odt, bdt, hasBias;
    int xoff, woff, ooff, boff;
};

HD __forceinline__ int kvol(const ConvGeo& c) { return c.KD * c.KH * c.KW; }

// Forward: M = OC/g (oc), N = N*OD*OH*OW, K = IC/g*KD*KH*KW. A = weight, B = im2col(x), out (+ bias).
struct ConvFwdView {
    const void* X; const void* W; const void* Bias; void* O; ConvGeo c;
    HD int M() const { return c.OC / c.groups; }
    HD int N() const { return c.N * c.OD * c.OH * c.OW; }
    HD int K() const { return c.IC / c.groups * kvol(c); }
    HD double a(int z, int m, int k) const {
        return ld(W, c.wdt, (long long) c.woff + (long long) (z * M() + m) * K() + k);
    }
    HD double b(int z, int k, int n) const {
        int kw = k % c.KW, t = k / c.KW, kh = t % c.KH; t /= c.KH; int kd = t % c.KD, ic = t / c.KD;
        int ow = n % c.OW; int u = n / c.OW; int oh = u % c.OH; u /= c.OH; int od = u % c.OD, nb = u / c.OD;
        int id = od * c.sd - c.pd + kd * c.dd, ih = oh * c.sh - c.ph + kh * c.dh, iw = ow * c.sw - c.pw + kw * c.dw;
        if (id < 0 || id >= c.ID || ih < 0 || ih >= c.IH || iw < 0 || iw >= c.IW) return 0.0;
        int icg = z * (c.IC / c.groups) + ic;
        return ld(X, c.xdt, (long long) c.xoff + ((((long long) nb * c.IC + icg) * c.ID + id) * c.IH + ih) * c.IW + iw);
    }
    HD void store(int z, int m, int n, double v) const {
        int oc = z * M() + m;
        int sp = c.OD * c.OH * c.OW, nb = n / sp, r = n % sp;
        if (c.hasBias) v += ld(Bias, c.bdt, (long long) c.boff + oc);
        st(O, c.odt, (long long) c.ooff + ((long long) nb * c.OC + oc) * sp + r, v);
    }
};

// Grad-input: M = IC/g (ic), N = N*ID*IH*IW, K = OC/g*KD*KH*KW. A = weight^T, B = scattered grad-out.
struct ConvBwdInView {
    const void* GO; const void* W; void* GI; ConvGeo c;
    HD int M() const { return c.IC / c.groups; }
    HD int N() const { return c.N * c.ID * c.IH * c.IW; }
    HD int K() const { return c.OC / c.groups * kvol(c); }
    HD double a(int z, int m, int k) const {
        int kv = kvol(c), oc = k / kv, r = k % kv;
        return ld(W, c.wdt, (long long) c.woff + ((long long) (z * (c.OC / c.groups) + oc) * M() + m) * kv + r);
    }
    HD double b(int z, int k, int n) const {
        int kw = k % c.KW, t = k / c.KW, kh = t % c.KH; t /= c.KH; int kd = t % c.KD, oc = t / c.KD;
        int iw = n % c.IW; int u = n / c.IW; int ih = u % c.IH; u /= c.IH; int id = u % c.ID, nb = u / c.ID;
        int td = id + c.pd - kd * c.dd, th = ih + c.ph - kh * c.dh, tw = iw + c.pw - kw * c.dw;
        if (td < 0 || th < 0 || tw < 0 || td % c.sd || th % c.sh || tw % c.sw) return 0.0;
        int od = td / c.sd, oh = th / c.sh, ow = tw / c.sw;
        if (od >= c.OD || oh >= c.OH || ow >= c.OW) return 0.0;
        int ocg = z * (c.OC / c.groups) + oc;
        return ld(GO, c.odt, (long long) c.ooff + ((((long long) nb * c.OC + ocg) * c.OD + od) * c.OH + oh) * c.OW + ow);
    }
    HD void store(int z, int m, int n, double v) const {
        int sp = c.ID * c.IH * c.IW, nb = n / sp, r = n % sp;
        st(GI, c.xdt, (long long) c.xoff + ((long long) nb * c.IC + z * M() + m) * sp + r, v);
    }
};

// Grad-weight: M = OC/g (oc), N = IC/g*KD*KH*KW, K = N*OD*OH*OW. A = grad-out, B = im2col(x)^T.
struct ConvBwdWView {
    const void* X; const void* GO; void* GW; ConvGeo c;
    HD int M() const { return c.OC / c.groups; }
    HD int N() const { return c.IC / c.groups * kvol(c); }
    HD int K() const { return c.N * c.OD * c.OH * c.OW; }
    HD double a(int z, int m, int k) const {
        int sp = c.OD * c.OH * c.OW, nb = k / sp, r = k % sp;
        return ld(GO, c.odt, (long long) c.ooff + ((long long) nb * c.OC + z * M() + m) * sp + r);
    }
    HD double b(int z, int k, int n) const {
        int kw = n % c.KW, t = n / c.KW, kh = t % c.KH; t /= c.KH; int kd = t % c.KD, ic = t / c.KD;
        int ow = k % c.OW; int u = k / c.OW; int oh = u % c.OH; u /= c.OH; int od = u % c.OD, nb = u / c.OD;
        int id = od * c.sd - c.pd + kd * c.dd, ih = oh * c.sh - c.ph + kh * c.dh, iw = ow * c.sw - c.pw + kw * c.dw;
        if (id < 0 || id >= c.ID || ih < 0 || ih >= c.IH || iw < 0 || iw >= c.IW) return 0.0;
        int icg = z * (c.IC / c.groups) + ic;
        return ld(X, c.xdt, (long long) c.xoff + ((((long long) nb * c.IC + icg) * c.ID + id) * c.IH + ih) * c.IW + iw);
    }
    HD void store(int z, int m, int n, double v) const {
        st(GW, c.wdt, (long long) c.woff + (long long) (z * M() + m) * N() + n, v);
    }
};

// Reference GEMM over a view (host emulation in host_check.cu; double accumulation).
template <class V> HD void gemm_reference(const V& v, int Z) {
    for (int z = 0; z < Z; z++)
        for (int m = 0; m < v.M(); m++)
            for (int n = 0; n < v.N(); n++) {
                double acc = 0;
                for (int k = 0; k < v.K(); k++) acc += v.a(z, m, k) * v.b(z, k, n);
                v.store(z, m, n, acc);
            }
}
