package ssvae.vae.model;

import ssvae.tensor.ConvParams;
import ssvae.tensor.GradMode;
import ssvae.tensor.PadMode;
import ssvae.tensor.Tensor;

/**
 * dc_3dvae.CausalConv3d: a Conv3d (key prefix "conv.") whose time axis is padded only in front by
 * dilation*(kt-1) frames ('constant': zeros, 'first': copies of frame 0), with symmetric k//2 spatial zero padding
 * or the explicit pad_2d = [top, bottom, left, right]; time stride 'stride', spatial stride 'space_stride'.
 */
public final class CausalConv3d extends Layer {
    final Conv conv;
    final PadMode padMode;
    final int timePad, timeStride, spaceStride, dilation;
    final int[] heightPad, widthPad;

    public CausalConv3d(int in, int out, int[] kernel, String padMode, int stride, int spaceStride, int[] pad2d, int dilation) {
        if (kernel.length != 3) throw new IllegalArgumentException("kernel_size needs 3 values, got " + kernel.length);
        if (kernel[1] % 2 == 0 || kernel[2] % 2 == 0) throw new IllegalArgumentException("CausalConv3d needs odd spatial kernel sizes, got " + java.util.Arrays.toString(kernel));
        this.padMode = parsePad(padMode);
        this.conv = child("conv", new Conv(in, out, kernel));
        this.dilation = dilation;
        this.timePad = dilation * (kernel[0] - 1);
        this.timeStride = stride;
        this.spaceStride = spaceStride;
        if (pad2d == null) {
            heightPad = new int[] {kernel[1] / 2, kernel[1] / 2};
            widthPad = new int[] {kernel[2] / 2, kernel[2] / 2};
        } else {
            if (pad2d.length != 4) throw new IllegalArgumentException("pad_2d needs 4 values, got " + pad2d.length);
            heightPad = new int[] {pad2d[0], pad2d[1]};
            widthPad = new int[] {pad2d[2], pad2d[3]};
        }
    }

    /** kernel 3, stride 1, symmetric padding: the common case. */
    public CausalConv3d(int in, int out, String padMode) { this(in, out, new int[] {3, 3, 3}, padMode, 1, 1, null, 1); }

    static PadMode parsePad(String mode) {
        return switch (mode) {
            case "constant" -> PadMode.CONSTANT;
            case "first" -> PadMode.FIRST;
            case "reflect" -> throw new IllegalArgumentException("pad_mode 'reflect' is not supported (the official CausalConv3d fails on it too)");
            default -> throw new IllegalArgumentException("pad_mode must be 'constant' or 'first', got '" + mode + "'");
        };
    }

    @Override public Tensor forward(Tensor x, CausalStream s) { return forward(x, s, false); }

    /**
     * Element budget of one convolution call's input when no graph is recorded: longer inputs are convolved in
     * slices of output frames, so the padded input is never materialised, only the frames of one slice are copied
     * (package-private so that tests can force slicing on small inputs).
     */
    static long sliceElements = 1L << 24;

    /** prepadded: x of the first chunk already holds the front frames (ResUpsample3D builds them while upsampling). */
    Tensor forward(Tensor x, CausalStream s, boolean prepadded) {
        int extent = timePad + 1;
        CausalTime.Window w = CausalTime.window(s, this, x, timePad, padMode, extent, timeStride, prepadded);
        boolean graph = GradMode.isEnabled() && (x.requiresGrad() || conv.weight.value().requiresGrad());
        long frameElems = (long) x.size(0) * x.size(1) * x.size(3) * x.size(4);
        int per = (int) Math.max(1, (sliceElements / frameElems - extent) / timeStride + 1);
        if (graph || per >= w.outputs()) {
            // one call; 'constant' front zeros become the conv's own asymmetric time padding
            boolean virtualZeros = w.zeroPrefix();
            Tensor in = virtualZeros ? w.frames() : w.materialise();
            return conv.apply(in, params(virtualZeros ? w.prefixLength() : 0));
        }
        Tensor out = null;
        for (int o0 = 0; o0 < w.outputs(); o0 += per) {
            int o1 = Math.min(w.outputs(), o0 + per);
            Tensor y = conv.apply(w.slice(o0 * timeStride, (o1 - 1) * timeStride + extent), params(0));
            if (out == null) {
                int[] sh = y.shape();
                sh[2] = w.outputs();
                out = Tensor.empty(y.dtype(), y.device(), sh);
            }
            out.narrow(2, o0, o1 - o0).copy_(y);
        }
        return out;
    }

    private ConvParams params(int zeroFront) {
        return new ConvParams(new int[] {timeStride, spaceStride, spaceStride}, new int[] {zeroFront, heightPad[0], widthPad[0]},
                new int[] {0, heightPad[1], widthPad[1]}, new int[] {dilation, 1, 1}, 1);
    }
}
