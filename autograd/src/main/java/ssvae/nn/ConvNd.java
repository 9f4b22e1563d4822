package ssvae.nn;

import ssvae.tensor.ConvParams;
import ssvae.tensor.F;
import ssvae.tensor.Generator;
import ssvae.tensor.PadMode;
import ssvae.tensor.Tensor;

import java.util.Arrays;

/**
 * The shared body of nn.Conv1d/2d/3d: weight [out, in/groups, *kernel], optional bias [out], PyTorch default
 * initialisation, stride/padding/dilation per spatial dim, groups, padding_mode (zeros, reflect, replicate, circular).
 */
public abstract class ConvNd extends Module {
    public final int inChannels, outChannels, groups;
    private final int[] kernel, stride, padding, dilation;
    private PadMode paddingMode = PadMode.CONSTANT;

    protected ConvNd(int rank, int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding, int[] dilation,
                     int groups, boolean bias, Generator g) {
        String name = getClass().getSimpleName();
        for (int[] a : new int[][] {kernel, stride, padding, dilation})
            if (a.length != rank) throw new IllegalArgumentException(name + " needs " + rank + " values per geometry argument, got " + Arrays.toString(a));
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new IllegalArgumentException(name + ": groups " + groups + " must divide in_channels " + inChannels + " and out_channels " + outChannels);
        for (int i = 0; i < rank; i++)
            if (kernel[i] < 1 || stride[i] < 1 || dilation[i] < 1 || padding[i] < 0)
                throw new IllegalArgumentException(name + ": invalid geometry kernel " + Arrays.toString(kernel) + " stride " + Arrays.toString(stride)
                        + " padding " + Arrays.toString(padding) + " dilation " + Arrays.toString(dilation));
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        int[] ws = new int[rank + 2];
        ws[0] = outChannels;
        ws[1] = inChannels / groups;
        System.arraycopy(kernel, 0, ws, 2, rank);
        Tensor w = registerParameter("weight", Tensor.empty(ws));
        Tensor b = bias ? registerParameter("bias", Tensor.empty(outChannels)) : null;
        Init.resetLinearLike(w, b, g);
    }

    static int[] rep(int v, int rank) { int[] a = new int[rank]; Arrays.fill(a, v); return a; }

    /** padding_mode: CONSTANT is PyTorch's 'zeros'; REFLECT, REPLICATE and CIRCULAR pad explicitly first. */
    public ConvNd paddingMode(PadMode m) {
        if (m == PadMode.FIRST) throw new IllegalArgumentException(getClass().getSimpleName() + ": padding mode FIRST is not a Conv padding_mode");
        this.paddingMode = m;
        return this;
    }

    public int[] kernelSize() { return kernel.clone(); }
    public int[] stride() { return stride.clone(); }
    public int[] padding() { return padding.clone(); }
    public int[] dilation() { return dilation.clone(); }

    @Override public Tensor forward(Tensor x) {
        int rank = kernel.length;
        if (x.dim() != rank + 2 || x.size(1) != inChannels)
            throw new IllegalArgumentException(getClass().getSimpleName() + " expects input [N, " + inChannels + ", " + rank
                    + " spatial dims], got shape " + Arrays.toString(x.shape()));
        int[] pad = padding;
        if (paddingMode != PadMode.CONSTANT) {
            int[] pads = new int[2 * rank];
            for (int k = 0; k < rank; k++) { pads[2 * k] = padding[rank - 1 - k]; pads[2 * k + 1] = padding[rank - 1 - k]; }
            x = x.pad(pads, paddingMode, 0);
            pad = new int[rank];
        }
        // ConvParams spans (D, H, W); lower ranks use its trailing dims, as F.conv1d/conv2d do
        int[] s3 = rep(1, 3), p3 = rep(0, 3), d3 = rep(1, 3);
        for (int i = 0; i < rank; i++) { s3[3 - rank + i] = stride[i]; p3[3 - rank + i] = pad[i]; d3[3 - rank + i] = dilation[i]; }
        return F.conv(x, attr("weight"), attrOrNull("bias"), ConvParams.of(s3, p3, d3, groups));
    }

    @Override public String toString() {
        return getClass().getSimpleName() + "(" + inChannels + ", " + outChannels + ", kernel_size=" + Arrays.toString(kernel)
                + ", stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding)
                + (groups != 1 ? ", groups=" + groups : "") + (attrOrNull("bias") == null ? ", bias=false" : "") + ")";
    }
}
