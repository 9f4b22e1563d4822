package ssvae.vae.model;

import ssvae.tensor.ConvParams;
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
     * prepadded: x of the first chunk already holds the front frames (ResUpsample3D builds them while upsampling).
     * 'constant' front zeros become the conv's own asymmetric time padding instead of a padded copy.
     */
    Tensor forward(Tensor x, CausalStream s, boolean prepadded) {
        int extent = timePad + 1;
        CausalTime.Window w = CausalTime.window(s, this, x, timePad, padMode, extent, timeStride, padMode == PadMode.CONSTANT, prepadded);
        ConvParams p = new ConvParams(new int[] {timeStride, spaceStride, spaceStride}, new int[] {w.zeroFront(), heightPad[0], widthPad[0]},
                new int[] {0, heightPad[1], widthPad[1]}, new int[] {dilation, 1, 1}, 1);
        return conv.apply(w.frames(), p);
    }
}
