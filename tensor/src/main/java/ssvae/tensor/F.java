package ssvae.tensor;

/**
 * torch.nn.functional: nn operations as compositions of the {@link TensorOps} primitives, so their gradients
 * come from the primitives' rules. Semantics (argument order, defaults, output sizes) follow PyTorch.
 */
public final class F {
    private F() {}

    // ------------------------------------------------------------------ convolution

    /** F.conv1d: x [N,C,L], w [O,C/g,K]. */
    public static Tensor conv1d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int dilation, int groups) {
        return conv(x, w, bias, ConvParams.of(new int[] {1, 1, stride}, new int[] {0, 0, padding}, new int[] {1, 1, dilation}, groups));
    }

    /** F.conv2d: x [N,C,H,W], w [O,C/g,KH,KW]; stride/padding/dilation as (h, w). */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return conv(x, w, bias, ConvParams.of(new int[] {1, stride[0], stride[1]}, new int[] {0, padding[0], padding[1]},
                new int[] {1, dilation[0], dilation[1]}, groups));
    }

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return conv2d(x, w, bias, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {1, 1}, 1);
    }

    /** F.conv3d: x [N,C,D,H,W], w [O,C/g,KD,KH,KW]; stride/padding/dilation as (d, h, w). */
    public static Tensor conv3d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return conv(x, w, bias, ConvParams.of(stride.clone(), padding.clone(), dilation.clone(), groups));
    }

    public static Tensor conv3d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return conv(x, w, bias, ConvParams.simple(stride, padding));
    }

    /** Any-rank convolution with explicit (possibly asymmetric) zero padding over (D, H, W). */
    public static Tensor conv(Tensor x, Tensor w, Tensor bias, ConvParams p) { return Ops.get().conv(x, w, bias, p); }

    /** F.linear: x [..., in] w [out, in] -> [..., out]. */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        Tensor y = x.matmul(w.t());
        return bias == null ? y : y.add(bias);
    }

    // ------------------------------------------------------------------ activations and losses

    public static Tensor softmax(Tensor x, int dim) { return Ops.get().softmax(x, Shape.dim(dim, x.dim()), false); }
    public static Tensor logSoftmax(Tensor x, int dim) { return Ops.get().softmax(x, Shape.dim(dim, x.dim()), true); }

    /** F.dropout: zeroes with probability p and scales by 1/(1-p) in training; identity otherwise. g null = the global generator. */
    public static Tensor dropout(Tensor x, double p, boolean training, Generator g) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        if (!training || p == 0) return x;
        if (p == 1) return x.mul(0);
        Tensor keep = Tensor.bernoulli(g != null ? g : Generator.global(), 1 - p, x.dtype(), x.device(), x.shape());
        return x.mul(keep).mul(1 / (1 - p));
    }

    /** F.l1_loss with mean reduction. */
    public static Tensor l1Loss(Tensor a, Tensor b) { return a.sub(b).abs().mean(); }

    /** F.mse_loss with mean reduction. */
    public static Tensor mseLoss(Tensor a, Tensor b) { return a.sub(b).square().mean(); }

    // ------------------------------------------------------------------ normalisation

    private static int prod(int[] s, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) p *= s[i];
        return p;
    }

    /** F.layer_norm over the trailing normalizedShape dims; weight/bias of that shape or null. */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        int k = normalizedShape.length;
        int[] s = x.shape();
        if (k > s.length) throw new IllegalArgumentException("layer_norm: normalized shape " + java.util.Arrays.toString(normalizedShape) + " has more dims than input " + Shape.str(s));
        for (int i = 0; i < k; i++)
            if (s[s.length - k + i] != normalizedShape[i])
                throw new IllegalArgumentException("layer_norm: normalized shape " + java.util.Arrays.toString(normalizedShape) + " does not match input " + Shape.str(s));
        int r = prod(s, s.length - k, s.length);
        Tensor y = Ops.get().normalize(NormMode.CENTERED, x, x.numel() / Math.max(r, 1), r, 1, eps);
        if (weight != null) y = y.mul(weight);
        if (bias != null) y = y.add(bias);
        return y;
    }

    /** F.group_norm: x [N, C, *], groups dividing C, per-channel weight/bias [C] or null. */
    public static Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps) {
        int[] s = x.shape();
        if (s.length < 2 || groups < 1 || s[1] % groups != 0)
            throw new IllegalArgumentException("group_norm: " + groups + " groups do not divide the channels of " + Shape.str(s));
        int n = s[0];
        int r = x.numel() / Math.max(n * groups, 1);
        Tensor y = Ops.get().normalize(NormMode.CENTERED, x, n * groups, r, 1, eps);
        int[] cs = new int[s.length];
        java.util.Arrays.fill(cs, 1);
        cs[1] = s[1];
        if (weight != null) y = y.mul(weight.reshape(cs));
        if (bias != null) y = y.add(bias.reshape(cs));
        return y;
    }

    /**
     * F.normalize(x, p, dim, eps): x / max(||x||_p, eps) along dim. p = 2 uses the fused row-normalisation
     * primitive; other p are composed.
     */
    public static Tensor normalize(Tensor x, double p, int dim, double eps) {
        int d = Shape.dim(dim, x.dim());
        if (p == 2) {
            int[] s = x.shape();
            return Ops.get().normalize(NormMode.L2, x, prod(s, 0, d), s[d], prod(s, d + 1, s.length), eps);
        }
        return x.div(x.norm(p, new int[] {d}, true).clampMin(eps));
    }

    /** RMS normalisation along dim: x / sqrt(mean(x^2) + eps) (torch.nn.functional.rms_norm without weight). */
    public static Tensor rmsNorm(Tensor x, int dim, double eps) {
        int d = Shape.dim(dim, x.dim());
        int[] s = x.shape();
        return Ops.get().normalize(NormMode.RMS, x, prod(s, 0, d), s[d], prod(s, d + 1, s.length), eps);
    }

    // ------------------------------------------------------------------ resampling

    /** F.interpolate to an explicit spatial size (1-3 spatial dims). LINEAR = (bi/tri)linear. */
    public static Tensor interpolate(Tensor x, int[] size, InterpMode mode, boolean alignCorners) {
        return Ops.get().interpolate(x, size.clone(), mode, alignCorners, null);
    }

    /**
     * F.interpolate with scale_factor (recompute_scale_factor unset): output size floor(in * scale) and
     * source coordinates mapped with 1/scale, as PyTorch does.
     */
    public static Tensor interpolate(Tensor x, double[] scaleFactor, InterpMode mode, boolean alignCorners) {
        int k = x.dim() - 2;
        if (scaleFactor.length != k) throw new IllegalArgumentException("interpolate: need " + k + " scale factors");
        int[] size = new int[k];
        double[] inv = new double[k];
        for (int i = 0; i < k; i++) {
            if (!(scaleFactor[i] > 0) || Double.isInfinite(scaleFactor[i]))
                throw new IllegalArgumentException("interpolate: scale factors must be positive and finite, got " + java.util.Arrays.toString(scaleFactor));
            size[i] = (int) Math.floor(x.size(2 + i) * scaleFactor[i]);
            inv[i] = 1.0 / scaleFactor[i];
        }
        return Ops.get().interpolate(x, size, mode, alignCorners, inv);
    }

    /** F.pixel_shuffle: [N, C*r*r, H, W] -> [N, C, H*r, W*r], channel order (c, rh, rw). */
    public static Tensor pixelShuffle(Tensor x, int r) {
        int[] s = x.shape();
        if (s.length < 3 || r < 1 || s[s.length - 3] % (r * r) != 0)
            throw new IllegalArgumentException("pixel_shuffle: channels of " + Shape.str(s) + " are not divisible by upscale_factor^2 = " + r * r);
        int c = s[s.length - 3] / (r * r), h = s[s.length - 2], w = s[s.length - 1];
        Tensor y = x.reshape(-1, c, r, r, h, w).permute(0, 1, 4, 2, 5, 3);
        int[] out = s.clone();
        out[s.length - 3] = c; out[s.length - 2] = h * r; out[s.length - 1] = w * r;
        return y.reshape(out);
    }

    /** F.pixel_unshuffle: [N, C, H*r, W*r] -> [N, C*r*r, H, W]. */
    public static Tensor pixelUnshuffle(Tensor x, int r) {
        int[] s = x.shape();
        if (s.length < 3 || r < 1 || s[s.length - 2] % r != 0 || s[s.length - 1] % r != 0)
            throw new IllegalArgumentException("pixel_unshuffle: H and W of " + Shape.str(s) + " are not divisible by downscale_factor " + r);
        int c = s[s.length - 3], h = s[s.length - 2] / r, w = s[s.length - 1] / r;
        Tensor y = x.reshape(-1, c, h, r, w, r).permute(0, 1, 3, 5, 2, 4);
        int[] out = s.clone();
        out[s.length - 3] = c * r * r; out[s.length - 2] = h; out[s.length - 1] = w;
        return y.reshape(out);
    }

    /** 3-D pixel shuffle: [N, C*rt*rh*rw, T, H, W] -> [N, C, T*rt, H*rh, W*rw], channel order (c, rt, rh, rw). */
    public static Tensor pixelShuffle3d(Tensor x, int rt, int rh, int rw) {
        int[] s = x.shape();
        if (s.length != 5 || rt < 1 || rh < 1 || rw < 1 || s[1] % (rt * rh * rw) != 0)
            throw new IllegalArgumentException("pixel_shuffle3d: need [N, C*" + rt + "*" + rh + "*" + rw + ", T, H, W], got " + Shape.str(s));
        int c = s[1] / (rt * rh * rw), t = s[2], h = s[3], w = s[4];
        return x.reshape(s[0], c, rt, rh, rw, t, h, w).permute(0, 1, 5, 2, 6, 3, 7, 4).reshape(s[0], c, t * rt, h * rh, w * rw);
    }

    /** Inverse of {@link #pixelShuffle3d}. */
    public static Tensor pixelUnshuffle3d(Tensor x, int rt, int rh, int rw) {
        int[] s = x.shape();
        if (s.length != 5 || rt < 1 || rh < 1 || rw < 1 || s[2] % rt != 0 || s[3] % rh != 0 || s[4] % rw != 0)
            throw new IllegalArgumentException("pixel_unshuffle3d: T, H, W of " + Shape.str(s) + " are not divisible by " + rt + ", " + rh + ", " + rw);
        int c = s[1], t = s[2] / rt, h = s[3] / rh, w = s[4] / rw;
        return x.reshape(s[0], c, t, rt, h, rh, w, rw).permute(0, 1, 3, 5, 7, 2, 4, 6).reshape(s[0], c * rt * rh * rw, t, h, w);
    }

    /** F.pad. */
    public static Tensor pad(Tensor x, int[] pads, PadMode mode, double value) { return x.pad(pads, mode, value); }

    // ------------------------------------------------------------------ pooling

    /** F.max_pool2d (dilation 1). */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding, boolean ceilMode) {
        return Ops.get().maxPool(x, new PoolParams(new int[] {1, kernel, kernel}, new int[] {1, stride, stride}, new int[] {0, padding, padding}, ceilMode));
    }

    /** F.max_pool3d (dilation 1). */
    public static Tensor maxPool3d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode) {
        return Ops.get().maxPool(x, new PoolParams(kernel.clone(), stride.clone(), padding.clone(), ceilMode));
    }

    /** F.avg_pool2d with kernel == stride and no padding (non-overlapping windows; the case model code uses). */
    public static Tensor avgPool2d(Tensor x, int kernel) {
        int[] s = x.shape();
        if (s.length < 3 || kernel < 1 || s[s.length - 2] < kernel || s[s.length - 1] < kernel)
            throw new IllegalArgumentException("avg_pool2d: kernel " + kernel + " does not fit input of shape " + Shape.str(s));
        int h = s[s.length - 2] / kernel, w = s[s.length - 1] / kernel;
        int[] lead = java.util.Arrays.copyOf(s, s.length - 2);
        int[] v = java.util.Arrays.copyOf(lead, lead.length + 4);
        v[lead.length] = h; v[lead.length + 1] = kernel; v[lead.length + 2] = w; v[lead.length + 3] = kernel;
        Tensor cropped = x.narrow(-2, 0, h * kernel).narrow(-1, 0, w * kernel);
        return cropped.reshape(v).mean(new int[] {lead.length + 1, lead.length + 3}, false);
    }

    // ------------------------------------------------------------------ attention

    /**
     * F.scaled_dot_product_attention(q, k, v, attn_mask, is_causal, scale): q [..., L, E], k [..., S, E], v [..., S, Ev].
     * mask: BOOL (true = attend) or additive floating, broadcastable to [..., L, S]; scale null = 1/sqrt(E).
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, Double scale) {
        double sc = scale != null ? scale : 1.0 / Math.sqrt(q.size(-1));
        Tensor scores = q.matmul(k.transpose(-2, -1)).mul(sc);
        int L = q.size(-2), S = k.size(-2);
        if (causal) {
            long[] allowed = new long[L * S];
            for (int i = 0; i < L; i++) for (int j = 0; j <= Math.min(i, S - 1); j++) allowed[i * S + j] = 1;
            Tensor keep = Tensor.fromLongs(allowed, L, S).to(q.device()).ne(0);
            scores = scores.maskedFill(keep.logicalNot(), Double.NEGATIVE_INFINITY);
        }
        if (mask != null) {
            scores = mask.dtype() == DType.BOOL ? scores.maskedFill(mask.logicalNot(), Double.NEGATIVE_INFINITY) : scores.add(mask);
        }
        return softmax(scores, -1).matmul(v);
    }
}
