package ssvae.vae.model;

import ssvae.tensor.ConvParams;
import ssvae.tensor.F;
import ssvae.tensor.Tensor;

/**
 * nn.Conv2d / nn.Conv3d parameters: weight [O, I, *kernel] and bias [O], PyTorch's default init
 * (kaiming_uniform(a=sqrt(5)) = U(+-1/sqrt(fan_in)) for the weight, the same bound for the bias).
 */
public final class Conv extends Block {
    final int in, out;
    final int[] kernel;
    final Param weight, bias;

    public Conv(int in, int out, int... kernel) {
        if (in < 1 || out < 1) throw new IllegalArgumentException("conv channels must be positive, got " + in + " -> " + out);
        this.in = in; this.out = out; this.kernel = kernel.clone();
        int[] ws = new int[2 + kernel.length];
        ws[0] = out; ws[1] = in;
        System.arraycopy(kernel, 0, ws, 2, kernel.length);
        weight = param("weight", Param.Init.UNIFORM_FAN_IN, ws);
        bias = param("bias", Param.Init.UNIFORM_FAN_IN, out);
    }

    @Override protected int fanIn() {
        int f = in;
        for (int k : kernel) f *= k;
        return f;
    }

    /** The weight as a 3-D kernel [O, I, kt, kh, kw] (a 2-D kernel gets kt = 1). */
    Tensor weight3d() {
        Tensor w = weight.value();
        return kernel.length == 3 ? w : w.unsqueeze(2);
    }

    /** Applies the conv to a 5-D input with explicit geometry over (T, H, W). */
    Tensor apply(Tensor x, ConvParams p) { return F.conv(x, weight3d(), bias.value(), p); }

    /** Zero-initialises the weight (nn.init.zeros_). */
    void zeroWeight() { weight.setZeroInit(); }
}
