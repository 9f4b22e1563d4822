package ssvae.tensor;

/** Max/avg pooling geometry over 3 spatial dims (pool2d uses a leading size-1 dim). */
public record PoolParams(int[] kernel, int[] stride, int[] padding, boolean ceilMode) {
    public int outSize(int d, int n) {
        int num = n + 2 * padding[d] - kernel[d];
        int o = (ceilMode ? Math.ceilDiv(num, stride[d]) : Math.floorDiv(num, stride[d])) + 1;
        if (ceilMode && (o - 1) * stride[d] >= n + padding[d]) o--;
        return o;
    }
}
