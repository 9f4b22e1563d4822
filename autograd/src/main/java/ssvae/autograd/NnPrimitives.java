package ssvae.autograd;

import ssvae.tensor.ConvParams;
import ssvae.tensor.DType;
import ssvae.tensor.InterpMode;
import ssvae.tensor.NormMode;
import ssvae.tensor.PoolParams;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;

import static ssvae.autograd.AutogradOps.be;
import static ssvae.autograd.AutogradOps.record;
import static ssvae.autograd.AutogradOps.sameDevice;

/** Graph wrappers for the nn kernels: conv, softmax, row normalisation, interpolation, max pooling. */
final class NnPrimitives {
    private NnPrimitives() {}

    /** [N, C, *s] with 1-3 spatial dims -> [N, C, D, H, W] view (leading spatial dims of size 1). */
    static Tensor to5d(Tensor x) {
        int k = x.dim() - 2;
        if (k < 1 || k > 3) throw new IllegalArgumentException("expected [N, C, *spatial] with 1 to 3 spatial dims, got shape " + Shape.str(x.shape()));
        if (k == 3) return x;
        int[] s = x.shape();
        int[] n = new int[5];
        n[0] = s[0]; n[1] = s[1];
        for (int i = 0; i < 3 - k; i++) n[2 + i] = 1;
        System.arraycopy(s, 2, n, 5 - k, k);
        return x.reshape(n);
    }

    static Tensor conv(Tensor x, Tensor w, Tensor bias, ConvParams p) {
        sameDevice("conv", x, w, bias);
        int k = x.dim() - 2;
        if (w.dim() != x.dim()) throw new IllegalArgumentException("conv: weight of shape " + Shape.str(w.shape()) + " does not fit input of shape " + Shape.str(x.shape()));
        if (x.dtype() != w.dtype() || (bias != null && bias.dtype() != x.dtype()))
            throw new IllegalArgumentException("conv: input " + x.dtype() + ", weight " + w.dtype() + (bias != null ? ", bias " + bias.dtype() : "") + " must have one dtype");
        int cin = x.size(1), cout = w.size(0), g = p.groups();
        if (cin % g != 0 || cout % g != 0 || w.size(1) != cin / g)
            throw new IllegalArgumentException("conv: weight " + Shape.str(w.shape()) + " with groups=" + g + " expects " + (w.size(1) * g)
                    + " input channels, got input of shape " + Shape.str(x.shape()));
        if (bias != null && (bias.dim() != 1 || bias.size(0) != cout))
            throw new IllegalArgumentException("conv: bias of shape " + Shape.str(bias.shape()) + " does not match " + cout + " output channels");
        Tensor x5 = to5d(x).contiguous(), w5 = to5d(w).contiguous();
        Tensor b1 = bias == null ? null : bias.contiguous();
        int[] xs = x5.shape(), ws = w5.shape();
        int[] os = {xs[0], cout, p.outSize(0, xs[2], ws[2]), p.outSize(1, xs[3], ws[3]), p.outSize(2, xs[4], ws[4])};
        Tensor out = Tensor.empty(x.dtype(), x.device(), os);
        be(x).convForward(p, x5.detach(), w5.detach(), b1 == null ? null : b1.detach(), out);
        int[] finalShape = x.shape();
        finalShape[1] = cout;
        for (int i = 0; i < k; i++) finalShape[2 + i] = os[5 - k + i];
        Tensor res = record("ConvBackward", out, (gOut, n) -> {
            Tensor go = gOut.contiguous();
            Tensor gx = null, gw = null, gb = null;
            if (n[0]) { gx = Tensor.empty(go.dtype(), go.device(), xs); be(go).convBackwardInput(p, go, w5.detach(), gx); }
            if (n[1]) { gw = Tensor.empty(go.dtype(), go.device(), ws); be(go).convBackwardWeight(p, x5.detach(), go, gw); }
            if (n.length > 2 && n[2]) gb = go.sum(new int[] {0, 2, 3, 4}, false);
            return new Tensor[] {gx, gw, gb};
        }, x5, w5, b1);
        return res.view(finalShape);
    }

    static Tensor softmax(Tensor x, int dim, boolean log) {
        if (!x.dtype().floating) throw new IllegalArgumentException("softmax needs a floating tensor, got " + x.dtype());
        Tensor xc = x.contiguous();
        Tensor out = Tensor.empty(x.dtype(), x.device(), x.shape());
        be(x).softmax(xc.detach(), dim, log, out);
        Tensor y = out.detach();
        return record(log ? "LogSoftmaxBackward" : "SoftmaxBackward", out, (g, n) -> {
            Tensor gx = Tensor.empty(g.dtype(), g.device(), g.shape());
            be(g).softmaxBackward(y, g.contiguous(), dim, log, gx);
            return new Tensor[] {gx};
        }, xc);
    }

    static Tensor normalize(NormMode mode, Tensor x, int outer, int r, int inner, double eps) {
        if (!x.dtype().floating) throw new IllegalArgumentException("normalization needs a floating tensor, got " + x.dtype());
        if ((long) outer * r * inner != x.numel())
            throw new IllegalArgumentException("normalize: [" + outer + ", " + r + ", " + inner + "] does not cover " + x.numel() + " elements");
        Tensor xc = x.contiguous();
        DType st = x.dtype() == DType.F64 ? DType.F64 : DType.F32;
        Tensor out = Tensor.empty(x.dtype(), x.device(), x.shape());
        Tensor mean = Tensor.empty(st, x.device(), outer, inner), rstd = Tensor.empty(st, x.device(), outer, inner);
        be(x).normalize(mode, xc.detach(), outer, r, inner, eps, out, mean, rstd);
        Tensor xd = xc.detach();
        return record(mode.name() + "NormBackward", out, (g, n) -> {
            Tensor gx = Tensor.empty(g.dtype(), g.device(), g.shape());
            be(g).normalizeBackward(mode, xd, outer, r, inner, eps, mean, rstd, g.contiguous(), gx);
            return new Tensor[] {gx};
        }, xc);
    }

    static Tensor interpolate(Tensor x, int[] outSize, InterpMode mode, boolean alignCorners, double[] scales) {
        int k = x.dim() - 2;
        if (outSize.length != k) throw new IllegalArgumentException("interpolate: " + k + " spatial dims but size " + java.util.Arrays.toString(outSize));
        if (!x.dtype().floating) throw new IllegalArgumentException("interpolate needs a floating tensor, got " + x.dtype());
        for (int o : outSize) if (o < 1) throw new IllegalArgumentException("interpolate: output size " + java.util.Arrays.toString(outSize) + " must be positive");
        if (alignCorners && mode != InterpMode.LINEAR)
            throw new IllegalArgumentException("interpolate: align_corners can only be set with linear/bilinear/trilinear, not " + mode);
        Tensor x5 = to5d(x).contiguous();
        int[] xs = x5.shape();
        int[] os = xs.clone();
        for (int i = 0; i < k; i++) os[5 - k + i] = outSize[i];
        double[] sc = new double[3];
        for (int i = 0; i < 3; i++) {
            int si = i - (3 - k);
            double given = scales != null && si >= 0 && si < scales.length ? scales[si] : 0;
            sc[i] = given > 0 ? given : (double) xs[2 + i] / os[2 + i];
        }
        Tensor out = Tensor.empty(x.dtype(), x.device(), os);
        be(x).interpolate(mode, x5.detach(), out, alignCorners, sc);
        int[] fin = x.shape();
        for (int i = 0; i < k; i++) fin[2 + i] = outSize[i];
        Tensor res = record("InterpolateBackward", out, (g, n) -> {
            Tensor gx = Tensor.zeros(g.dtype(), g.device(), xs);
            be(g).interpolateBackward(mode, g.contiguous(), gx, alignCorners, sc);
            return new Tensor[] {gx};
        }, x5);
        return res.view(fin);
    }

    static Tensor maxPool(Tensor x, PoolParams p) {
        int k = x.dim() - 2;
        if (!x.dtype().floating) throw new IllegalArgumentException("max pool needs a floating tensor, got " + x.dtype());
        if (p.kernel().length != 3 || p.stride().length != 3 || p.padding().length != 3)
            throw new IllegalArgumentException("max pool: kernel, stride and padding need 3 entries (D, H, W)");
        Tensor x5 = to5d(x).contiguous();
        int[] xs = x5.shape();
        for (int d = 0; d < 3; d++) {
            int kd = p.kernel()[d], sd = p.stride()[d], pd = p.padding()[d];
            if (kd < 1 || sd < 1 || pd < 0 || pd > kd / 2)
                throw new IllegalArgumentException("max pool: kernel " + kd + ", stride " + sd + ", padding " + pd + " invalid (need kernel, stride >= 1 and 0 <= padding <= kernel/2)");
        }
        int[] os = {xs[0], xs[1], p.outSize(0, xs[2]), p.outSize(1, xs[3]), p.outSize(2, xs[4])};
        if (os[2] < 1 || os[3] < 1 || os[4] < 1)
            throw new IllegalArgumentException("max pool: input of shape " + Shape.str(x.shape()) + " is smaller than kernel " + Shape.str(p.kernel()));
        Tensor out = Tensor.empty(x.dtype(), x.device(), os);
        Tensor idx = Tensor.empty(DType.I64, x.device(), os);
        be(x).maxPool(p, x5.detach(), out, idx);
        int[] fin = x.shape();
        for (int i = 0; i < k; i++) fin[2 + i] = os[5 - k + i];
        Tensor res = record("MaxPoolBackward", out, (g, n) -> {
            Tensor gx = Tensor.zeros(g.dtype(), g.device(), xs);
            be(g).maxPoolBackward(p, g.contiguous(), idx, gx);
            return new Tensor[] {gx};
        }, x5);
        return res.view(fin);
    }
}
