package ssvae.tensor;

/**
 * The kernel service interface: raw compute on raw tensors, no autograd. Implemented by the CPU backend
 * and the CUDA backend in module kernels, found with {@link java.util.ServiceLoader} through {@link Backends}.
 *
 * Conventions: every output tensor is allocated by the caller (shape inference lives in one place, the
 * autograd layer), is contiguous unless stated, and lives on this backend's device. Inputs may be strided
 * (including zero strides from expand and negative strides from flip) unless the method says "contiguous".
 * Semantics of each op are those of the PyTorch function named in its comment.
 */
public interface Backend {
    Device.Type deviceType();

    String name();

    /** False when the backend cannot run here (no driver, no GPU); {@link #unavailableReason()} says why. */
    default boolean isAvailable() { return true; }

    default String unavailableReason() { return ""; }

    Storage allocate(DType dtype, int numel, Device device);

    /** dst (contiguous, this device) <- src (contiguous, CPU); same dtype and numel. */
    void copyFromHost(Tensor src, Tensor dst);

    /** dst (contiguous, CPU) <- src (contiguous, this device); same dtype and numel. */
    void copyToHost(Tensor src, Tensor dst);

    /** dst <- src elementwise with dtype conversion (Tensor.copy_); same shape; dst may be strided. */
    void copy(Tensor src, Tensor dst);

    /** dst <- value (Tensor.fill_); dst may be strided. */
    void fill(Tensor dst, double value);

    /** out <- op(x; a, b); x has out's shape (possibly strided/broadcast). */
    void unary(UnaryOp op, Tensor x, Tensor out, double a, double b);

    /** out <- op(a, b); a and b are already expanded to out's shape. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** torch.where(cond, a, b); all three expanded to out's shape. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    /** out has x's rank with size 1 in the reduced dims (keepdim form); op is SUM, PROD, MAX or MIN. */
    void reduce(ReduceOp op, Tensor x, Tensor out);

    /** ARGMAX/ARGMIN along dim; out is I64 in keepdim form. */
    void argReduce(ReduceOp op, Tensor x, int dim, Tensor out);

    /** Batched matrix product: a [B,M,K] x b [B,K,N] -> out [B,M,N]; a and b any strides (batch stride may be 0). */
    void matmul(Tensor a, Tensor b, Tensor out);

    /** F.conv3d on contiguous NCDHW x and OC,IC/g,KD,KH,KW w; bias [OC] or null. */
    void convForward(ConvParams p, Tensor x, Tensor w, Tensor bias, Tensor out);

    /** Gradient of convForward w.r.t. x (overwrites gradIn). */
    void convBackwardInput(ConvParams p, Tensor gradOut, Tensor w, Tensor gradIn);

    /** Gradient of convForward w.r.t. w (overwrites gradW). */
    void convBackwardWeight(ConvParams p, Tensor x, Tensor gradOut, Tensor gradW);

    /** softmax / log_softmax along dim of contiguous x. */
    void softmax(Tensor x, int dim, boolean log, Tensor out);

    /** Input gradient of softmax given its output y and output gradient gy (all contiguous). */
    void softmaxBackward(Tensor y, Tensor gy, int dim, boolean log, Tensor gx);

    /**
     * Normalises contiguous x viewed as [outer, r, inner] over the r axis (see {@link NormMode}).
     * mean and rstd are [outer, inner] F32/F64 outputs (mean unused for L2/RMS but still written).
     */
    void normalize(NormMode mode, Tensor x, int outer, int r, int inner, double eps, Tensor out, Tensor mean, Tensor rstd);

    /** Input gradient of normalize. */
    void normalizeBackward(NormMode mode, Tensor x, int outer, int r, int inner, double eps, Tensor mean, Tensor rstd,
                           Tensor gy, Tensor gx);

    /**
     * F.interpolate on contiguous N,C,D,H,W x into out (N,C,D',H',W'). scales[d] is the source/target ratio
     * used for coordinate mapping (PyTorch: 1/scale_factor when given, else in/out).
     */
    void interpolate(InterpMode mode, Tensor x, Tensor out, boolean alignCorners, double[] scales);

    /** Gradient of interpolate (overwrites gIn). */
    void interpolateBackward(InterpMode mode, Tensor gOut, Tensor gIn, boolean alignCorners, double[] scales);

    /** Max pooling over D,H,W of contiguous N,C,D,H,W x; indices (I64) are flat offsets within each D*H*W plane. */
    void maxPool(PoolParams p, Tensor x, Tensor out, Tensor indices);

    /** Gradient of maxPool (overwrites gIn). */
    void maxPoolBackward(PoolParams p, Tensor gOut, Tensor indices, Tensor gIn);

    /** torch.index_select: out = x.index_select(dim, index); index I64/I32 1-D. */
    void indexSelect(Tensor x, int dim, Tensor index, Tensor out);

    /** dst.index_add_(dim, index, src). */
    void indexAdd(Tensor dst, int dim, Tensor index, Tensor src);

    /** torch.gather. */
    void gather(Tensor x, int dim, Tensor index, Tensor out);

    /** dst.scatter_add_(dim, index, src). */
    void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src);

    /**
     * Fills out with Philox4x32-10 numbers: element i uses counter (offset + i/4), lane i%4 (see {@link Philox}).
     * UNIFORM [a,b), NORMAL (mean a, std b; Box-Muller on lane pairs), BERNOULLI (p = a, writes 0/1).
     */
    void random(RandomKind kind, Tensor out, double a, double b, long seed, long offset);

    /** Waits for queued work (no-op on CPU). */
    default void synchronize() {}
}
