package ssvae.tensor;

import java.util.List;

/**
 * The differentiable primitives behind {@link Tensor}'s methods, implemented by the autograd module
 * (which records the graph and calls a {@link Backend}). Everything else on Tensor and {@link F} is a
 * composition of these, so each gradient rule exists once.
 * Arguments arrive validated and normalised (dims non-negative, shapes resolved) by Tensor.
 */
public interface TensorOps {
    // ---- graph ----
    /** Reverse-mode pass from root with seed gradient grad (null = ones for a scalar root). */
    void backward(Tensor root, Tensor grad, boolean retainGraph);

    // ---- views (no copy) ----
    Tensor view(Tensor x, int[] shape, int[] strides);
    Tensor permute(Tensor x, int[] dims);
    Tensor slice(Tensor x, int dim, int start, int end, int step);
    Tensor expand(Tensor x, int[] shape);

    // ---- copies ----
    /** A new contiguous tensor with x's values converted to dtype on device (clone/contiguous/to). */
    Tensor copy(Tensor x, DType dtype, Device device);
    Tensor flip(Tensor x, int[] dims);
    Tensor cat(List<Tensor> xs, int dim);

    // ---- elementwise ----
    Tensor unary(UnaryOp op, Tensor x, double a, double b);
    Tensor binary(BinaryOp op, Tensor a, Tensor b);
    Tensor where(Tensor cond, Tensor a, Tensor b);

    // ---- reductions and products ----
    /** dims normalised and sorted; op SUM/PROD/MAX/MIN. */
    Tensor reduce(ReduceOp op, Tensor x, int[] dims, boolean keepdim);
    Tensor argReduce(ReduceOp op, Tensor x, int dim, boolean keepdim);
    /** torch.matmul with broadcasting of batch dims. */
    Tensor matmul(Tensor a, Tensor b);

    // ---- indexing ----
    Tensor indexSelect(Tensor x, int dim, Tensor index);
    Tensor gather(Tensor x, int dim, Tensor index);

    // ---- nn primitives ----
    /** Convolution over 1-3 spatial dims: x [N,C,*spatial], w [O,C/g,*k], bias [O] or null. */
    Tensor conv(Tensor x, Tensor w, Tensor bias, ConvParams p);
    Tensor softmax(Tensor x, int dim, boolean log);
    /** Normalise contiguous-viewable x as [outer, r, inner] over r; result has x's shape. */
    Tensor normalize(NormMode mode, Tensor x, int outer, int r, int inner, double eps);
    /** x [N,C,*spatial(1-3)] to outSize (spatial only). */
    Tensor interpolate(Tensor x, int[] outSize, InterpMode mode, boolean alignCorners, double[] scales);
    /** x [N,C,*spatial(1-3)] */
    Tensor maxPool(Tensor x, PoolParams p);
}
