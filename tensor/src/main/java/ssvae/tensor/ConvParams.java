package ssvae.tensor;

import java.util.Arrays;

/**
 * Convolution geometry over 3 spatial dims (D, H, W); conv1d/2d use leading size-1 dims.
 * Zero padding may be asymmetric (padBefore/padAfter), so causal temporal padding needs no copy.
 */
public record ConvParams(int[] stride, int[] padBefore, int[] padAfter, int[] dilation, int groups) {
    public ConvParams {
        if (stride.length != 3 || padBefore.length != 3 || padAfter.length != 3 || dilation.length != 3)
            throw new IllegalArgumentException("ConvParams takes 3 spatial dims");
        if (groups < 1) throw new IllegalArgumentException("groups must be >= 1, got " + groups);
        for (int i = 0; i < 3; i++) {
            if (stride[i] < 1 || dilation[i] < 1 || padBefore[i] < 0 || padAfter[i] < 0)
                throw new IllegalArgumentException("invalid conv geometry " + this);
        }
    }

    public static ConvParams of(int[] stride, int[] padding, int[] dilation, int groups) {
        return new ConvParams(stride, padding, padding.clone(), dilation, groups);
    }

    public static ConvParams simple(int stride, int padding) {
        return of(new int[] {stride, stride, stride}, new int[] {padding, padding, padding}, new int[] {1, 1, 1}, 1);
    }

    /** Output size along spatial dim d for input size n and kernel size k. */
    public int outSize(int d, int n, int k) {
        int eff = dilation[d] * (k - 1) + 1;
        int o = (n + padBefore[d] + padAfter[d] - eff) / stride[d] + 1;
        if (n + padBefore[d] + padAfter[d] < eff)
            throw new IllegalArgumentException("conv input size " + n + " (padded " + (n + padBefore[d] + padAfter[d])
                    + ") is smaller than the kernel extent " + eff);
        return o;
    }

    @Override public String toString() {
        return "ConvParams(stride=" + Arrays.toString(stride) + ", pad=" + Arrays.toString(padBefore) + "/"
                + Arrays.toString(padAfter) + ", dilation=" + Arrays.toString(dilation) + ", groups=" + groups + ")";
    }
}
