package ssvae.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional array: a view (shape, strides, offset) into a {@link Storage}, with PyTorch semantics.
 * Differentiable methods go through {@link TensorOps} (the autograd module); compositions of primitives are
 * written here once so that their gradients come from the primitives. In-place methods (suffix _) are
 * not recorded and refuse leaves that require grad while grad mode is on, like PyTorch.
 *
 * At most 2^31-1 elements per tensor.
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final int offset;

    private boolean requiresGrad;
    private boolean retainGrad;
    private Tensor grad;
    private GradFn gradFn;

    /** A view of storage; used by backends and the autograd layer. */
    public Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        if (shape.length != strides.length) throw new IllegalArgumentException("shape and strides differ in rank");
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ------------------------------------------------------------------ metadata

    public Storage storage() { return storage; }
    public DType dtype() { return storage.dtype(); }
    public Device device() { return storage.device(); }
    public int[] shape() { return shape.clone(); }
    public int[] strides() { return strides.clone(); }
    public int offset() { return offset; }
    public int dim() { return shape.length; }
    public int size(int d) { return shape[Shape.dim(d, shape.length)]; }
    public int stride(int d) { return strides[Shape.dim(d, shape.length)]; }
    public int numel() { return Shape.numel(shape); }
    public boolean isCpu() { return device().isCpu(); }

    /** True when elements are laid out densely in row-major order from offset. */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    public boolean sameShape(Tensor o) { return Arrays.equals(shape, o.shape); }

    // ------------------------------------------------------------------ factories

    public static Tensor empty(DType dtype, Device device, int... shape) {
        int n = Shape.numel(shape);
        Storage s = Backends.get(device).allocate(dtype, n, device);
        MemoryScope.track(s);
        return new Tensor(s, shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    public static Tensor empty(int... shape) { return empty(DType.F32, Device.getDefault(), shape); }

    public static Tensor zeros(DType dtype, Device device, int... shape) {
        Tensor t = empty(dtype, device, shape);
        if (!device.isCpu()) Backends.get(device).fill(t, 0); // CPU arrays start zeroed
        return t;
    }

    public static Tensor zeros(int... shape) { return zeros(DType.F32, Device.getDefault(), shape); }

    public static Tensor full(double value, DType dtype, Device device, int... shape) {
        Tensor t = empty(dtype, device, shape);
        Backends.get(device).fill(t, value);
        return t;
    }

    public static Tensor full(double value, int... shape) { return full(value, DType.F32, Device.getDefault(), shape); }
    public static Tensor ones(DType dtype, Device device, int... shape) { return full(1, dtype, device, shape); }
    public static Tensor ones(int... shape) { return full(1, shape); }

    /** A 0-d tensor. */
    public static Tensor scalar(double v, DType dtype, Device device) { return full(v, dtype, device); }
    public static Tensor scalar(double v) { return scalar(v, DType.F32, Device.getDefault()); }

    public Tensor emptyLike() { return empty(dtype(), device(), shape); }
    public Tensor zerosLike() { return zeros(dtype(), device(), shape); }
    public Tensor onesLike() { return ones(dtype(), device(), shape); }
    public Tensor fullLike(double v) { return full(v, dtype(), device(), shape); }
    /** A 0-d tensor of this dtype and device. */
    public Tensor scalarLike(double v) { return scalar(v, dtype(), device()); }

    /** torch.arange(start, end, step) as I64 (all-integer arguments) on the default device. */
    public static Tensor arange(long start, long end, long step) {
        if (step == 0) throw new IllegalArgumentException("arange step must be non-zero");
        int n = (int) Math.max(0, Math.ceilDiv(end - start, step));
        long[] v = new long[n];
        for (int i = 0; i < n; i++) v[i] = start + i * step;
        return fromLongs(v, n).to(Device.getDefault());
    }

    public static Tensor arange(long end) { return arange(0, end, 1); }

    /** torch.arange with floating arguments, in dtype. */
    public static Tensor arange(double start, double end, double step, DType dtype) {
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = start + i * step;
        return fromArray(v, n).to(dtype).to(Device.getDefault());
    }

    /** torch.linspace. */
    public static Tensor linspace(double start, double end, int steps, DType dtype) {
        double[] v = new double[steps];
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        int half = steps / 2;
        for (int i = 0; i < steps; i++) v[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
        return fromArray(v, steps).to(dtype).to(Device.getDefault());
    }

    /** Wraps data (no copy) as a CPU F32 tensor; shape defaults to 1-D. */
    public static Tensor fromArray(float[] data, int... shape) { return wrap(DType.F32, data, data.length, shape); }
    public static Tensor fromArray(double[] data, int... shape) { return wrap(DType.F64, data, data.length, shape); }
    public static Tensor fromLongs(long[] data, int... shape) { return wrap(DType.I64, data, data.length, shape); }
    public static Tensor fromInts(int[] data, int... shape) { return wrap(DType.I32, data, data.length, shape); }
    public static Tensor fromBytes(byte[] data, int... shape) { return wrap(DType.U8, data, data.length, shape); }
    public static Tensor fromBools(boolean[] data, int... shape) {
        byte[] b = new byte[data.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (data[i] ? 1 : 0);
        return wrap(DType.BOOL, b, b.length, shape);
    }

    /** Wraps raw bits (no copy) as a BF16 or F16 CPU tensor. */
    public static Tensor fromHalfBits(DType dtype, short[] bits, int... shape) {
        if (dtype != DType.BF16 && dtype != DType.F16) throw new IllegalArgumentException("half bits need BF16 or F16, got " + dtype);
        return wrap(dtype, bits, bits.length, shape);
    }

    private static Tensor wrap(DType dt, Object array, int len, int[] shape) {
        int[] sh = shape.length == 0 ? new int[] {len} : Shape.infer(shape, len);
        if (Shape.numel(sh) != len) throw new IllegalArgumentException("shape " + Shape.str(sh) + " does not hold " + len + " values");
        return new Tensor(new CpuStorage(dt, array), sh, Shape.contiguousStrides(sh), 0);
    }

    // random ----------------------------------------------------------------

    private static Tensor random(RandomKind kind, double a, double b, Generator g, DType dt, Device dev, int[] shape) {
        if (!dt.floating && kind != RandomKind.BERNOULLI) throw new IllegalArgumentException(kind.name().toLowerCase() + " needs a floating dtype, got " + dt);
        switch (kind) {
            case UNIFORM -> { if (!(a <= b)) throw new IllegalArgumentException("uniform expects from <= to, got [" + a + ", " + b + ")"); }
            case NORMAL -> { if (!(b >= 0)) throw new IllegalArgumentException("normal expects std >= 0, got " + b); }
            case BERNOULLI -> { if (!(a >= 0 && a <= 1)) throw new IllegalArgumentException("bernoulli expects 0 <= p <= 1, got " + a); }
        }
        Tensor t = empty(dt, dev, shape);
        long off = g.reserve(t.numel());
        Backends.get(dev).random(kind, t, a, b, g.seed(), off);
        return t;
    }

    /** Uniform [0,1) F32 on the default device. */
    public static Tensor rand(Generator g, int... shape) { return random(RandomKind.UNIFORM, 0, 1, g, DType.F32, Device.getDefault(), shape); }
    public static Tensor rand(Generator g, DType dt, Device dev, int... shape) { return random(RandomKind.UNIFORM, 0, 1, g, dt, dev, shape); }
    /** Standard normal. */
    public static Tensor randn(Generator g, int... shape) { return random(RandomKind.NORMAL, 0, 1, g, DType.F32, Device.getDefault(), shape); }
    public static Tensor randn(Generator g, DType dt, Device dev, int... shape) { return random(RandomKind.NORMAL, 0, 1, g, dt, dev, shape); }
    /** Uniform [lo, hi). */
    public static Tensor uniform(Generator g, double lo, double hi, DType dt, Device dev, int... shape) { return random(RandomKind.UNIFORM, lo, hi, g, dt, dev, shape); }
    public static Tensor normal(Generator g, double mean, double std, DType dt, Device dev, int... shape) { return random(RandomKind.NORMAL, mean, std, g, dt, dev, shape); }
    /** 0/1 values with probability p of 1. */
    public static Tensor bernoulli(Generator g, double p, DType dt, Device dev, int... shape) { return random(RandomKind.BERNOULLI, p, 0, g, dt, dev, shape); }

    public Tensor randLike(Generator g) { return rand(g, dtype(), device(), shape); }
    public Tensor randnLike(Generator g) { return randn(g, dtype(), device(), shape); }

    /** torch.randperm(n) as I64: Fisher-Yates driven by g. */
    public static Tensor randperm(int n, Generator g) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = g.nextInt(i + 1);
            long t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return fromLongs(p, n).to(Device.getDefault());
    }

    // ------------------------------------------------------------------ autograd

    public boolean requiresGrad() { return requiresGrad; }

    /** Marks a leaf as requiring grad (Tensor.requires_grad_). Returns this. */
    public Tensor requiresGrad(boolean b) {
        if (gradFn != null && !b) throw new IllegalStateException("requiresGrad(false) is only allowed on leaves; use detach()");
        if (b && !dtype().floating) throw new IllegalArgumentException("only floating tensors can require grad, got " + dtype());
        this.requiresGrad = b;
        return this;
    }

    public Tensor grad() { return grad; }
    public void setGrad(Tensor g) { this.grad = g; }
    public GradFn gradFn() { return gradFn; }
    public boolean isLeaf() { return gradFn == null; }

    /** Used by the autograd layer to attach the producing node. */
    public void setGradFn(GradFn fn) { this.gradFn = fn; this.requiresGrad = fn != null || requiresGrad; }

    /** Keeps .grad on a non-leaf during backward (Tensor.retain_grad). */
    public Tensor retainGrad() { this.retainGrad = true; return this; }
    public boolean retainsGrad() { return retainGrad; }

    public void backward() { Ops.get().backward(this, null, false); }
    public void backward(Tensor gradient) { Ops.get().backward(this, gradient, false); }
    public void backward(Tensor gradient, boolean retainGraph) { Ops.get().backward(this, gradient, retainGraph); }

    /** A view sharing storage, cut from the graph. */
    public Tensor detach() { return new Tensor(storage, shape, strides, offset); }

    // ------------------------------------------------------------------ host access

    /** A contiguous CPU copy (or this when already contiguous on CPU). */
    private Tensor hostContiguous() {
        Tensor t = this;
        if (!t.isCpu()) {
            Tensor src = t.isContiguous() && t.offset == 0 && t.numel() == t.storage.numel() ? t : Ops.get().copy(t.detach(), dtype(), device());
            Tensor dst = empty(dtype(), Device.CPU, shape);
            Backends.get(device()).copyToHost(src, dst);
            return dst;
        }
        if (!t.isContiguous()) return Ops.get().copy(t.detach(), dtype(), Device.CPU);
        return t;
    }

    public double item() {
        if (numel() != 1) throw new IllegalStateException("item() needs a tensor with one element, got shape " + Shape.str(shape));
        Tensor h = hostContiguous();
        return ((CpuStorage) h.storage).getDouble(h.offset);
    }

    public float[] toFloatArray() {
        Tensor h = (dtype() == DType.F32 ? this : to(DType.F32)).hostContiguous();
        float[] a = h.storage instanceof CpuStorage c ? c.f32() : null;
        return Arrays.copyOfRange(a, h.offset, h.offset + h.numel());
    }

    public double[] toDoubleArray() {
        Tensor h = (dtype() == DType.F64 ? this : to(DType.F64)).hostContiguous();
        return Arrays.copyOfRange(((CpuStorage) h.storage).f64(), h.offset, h.offset + h.numel());
    }

    public long[] toLongArray() {
        Tensor h = (dtype() == DType.I64 ? this : to(DType.I64)).hostContiguous();
        return Arrays.copyOfRange(((CpuStorage) h.storage).i64(), h.offset, h.offset + h.numel());
    }

    /** One element by index (slow; for tests and debugging). */
    public double get(int... index) {
        if (index.length != shape.length) throw new IllegalArgumentException("get needs " + shape.length + " indices");
        int off = offset;
        for (int i = 0; i < index.length; i++) {
            int ix = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (ix < 0 || ix >= shape[i]) throw new IndexOutOfBoundsException("index " + index[i] + " out of range for dim " + i + " of size " + shape[i]);
            off += ix * strides[i];
        }
        if (isCpu()) return ((CpuStorage) storage).getDouble(off);
        return new Tensor(storage, new int[0], new int[0], off).item();
    }

    // ------------------------------------------------------------------ views

    /** Tensor.view: no copy; fails when strides do not allow it. Accepts one -1. */
    public Tensor view(int... newShape) {
        int[] sh = Shape.infer(newShape, numel());
        int[] st = Shape.viewStrides(shape, strides, sh);
        if (st == null) throw new IllegalStateException("view size " + Shape.str(sh) + " is not compatible with input strides "
                + Arrays.toString(strides) + " of shape " + Shape.str(shape) + "; use reshape()");
        return Ops.get().view(this, sh, st);
    }

    /** Tensor.reshape: a view when possible, else a contiguous copy. */
    public Tensor reshape(int... newShape) {
        int[] sh = Shape.infer(newShape, numel());
        int[] st = Shape.viewStrides(shape, strides, sh);
        if (st != null) return Ops.get().view(this, sh, st);
        return contiguous().view(sh);
    }

    public Tensor flatten() { return reshape(-1); }

    /** torch.flatten(start, end). */
    public Tensor flatten(int start, int end) {
        int s = Shape.dim(start, dim()), e = Shape.dim(end, dim());
        if (dim() == 0) return reshape(1);
        int[] ns = new int[dim() - (e - s)];
        int k = 0, prod = 1;
        for (int i = 0; i < dim(); i++) {
            if (i < s || i > e) ns[k++] = shape[i];
            else { prod *= shape[i]; if (i == e) ns[k++] = prod; }
        }
        return reshape(ns);
    }

    /** Tensor.unflatten(dim, sizes). */
    public Tensor unflatten(int d, int... sizes) {
        int dd = Shape.dim(d, dim());
        int[] sz = Shape.infer(sizes, shape[dd]);
        int[] ns = new int[dim() - 1 + sz.length];
        System.arraycopy(shape, 0, ns, 0, dd);
        System.arraycopy(sz, 0, ns, dd, sz.length);
        System.arraycopy(shape, dd + 1, ns, dd + sz.length, dim() - dd - 1);
        return view(ns);
    }

    public Tensor permute(int... dims) {
        if (dims.length != dim()) throw new IllegalArgumentException("permute needs " + dim() + " dims, got " + Arrays.toString(dims));
        int[] d = new int[dims.length];
        boolean[] seen = new boolean[dims.length];
        for (int i = 0; i < dims.length; i++) {
            d[i] = Shape.dim(dims[i], dim());
            if (seen[d[i]]) throw new IllegalArgumentException("repeated dim in permute " + Arrays.toString(dims));
            seen[d[i]] = true;
        }
        return Ops.get().permute(this, d);
    }

    public Tensor transpose(int d0, int d1) {
        int a = Shape.dim(d0, dim()), b = Shape.dim(d1, dim());
        if (dim() == 0) return this;
        int[] p = new int[dim()];
        for (int i = 0; i < p.length; i++) p[i] = i;
        p[a] = b; p[b] = a;
        return Ops.get().permute(this, p);
    }

    /** Transpose of a 2-D tensor (or the last two dims, as mT). */
    public Tensor t() {
        if (dim() < 2) return this;
        return transpose(-2, -1);
    }

    /** Python-style slice x[start:end:step] along dim (negative and out-of-range bounds are clamped as in Python). */
    public Tensor slice(int d, int start, int end, int step) {
        int dd = Shape.dim(d, dim());
        if (step <= 0) throw new IllegalArgumentException("slice step must be positive, got " + step);
        int n = shape[dd];
        int s = start < 0 ? Math.max(start + n, 0) : Math.min(start, n);
        int e = end < 0 ? Math.max(end + n, 0) : Math.min(end, n);
        if (e < s) e = s;
        return Ops.get().slice(this, dd, s, e, step);
    }

    public Tensor slice(int d, int start, int end) { return slice(d, start, end, 1); }

    /** Tensor.narrow(dim, start, length). */
    public Tensor narrow(int d, int start, int length) {
        int dd = Shape.dim(d, dim());
        int s = start < 0 ? start + shape[dd] : start;
        if (s < 0 || length < 0 || s + length > shape[dd])
            throw new IndexOutOfBoundsException("narrow(" + d + ", " + start + ", " + length + ") out of range for size " + shape[dd]);
        return Ops.get().slice(this, dd, s, s + length, 1);
    }

    /** Tensor.select(dim, index): removes dim. */
    public Tensor select(int d, int index) {
        int dd = Shape.dim(d, dim());
        int i = index < 0 ? index + shape[dd] : index;
        if (i < 0 || i >= shape[dd]) throw new IndexOutOfBoundsException("index " + index + " out of range for dim " + d + " of size " + shape[dd]);
        return narrow(dd, i, 1).squeeze(dd);
    }

    /** Tensor.expand: -1 keeps a size; new leading dims allowed. */
    public Tensor expand(int... sizes) {
        if (sizes.length < dim()) throw new IllegalArgumentException("expand to " + Arrays.toString(sizes) + " has fewer dims than " + Shape.str(shape));
        int[] ns = sizes.clone();
        int lead = sizes.length - dim();
        for (int i = 0; i < ns.length; i++) {
            int cur = i < lead ? 1 : shape[i - lead];
            if (ns[i] == -1) {
                if (i < lead) throw new IllegalArgumentException("-1 not allowed for new leading dims in expand");
                ns[i] = cur;
            } else if (cur != 1 && cur != ns[i]) {
                throw new IllegalArgumentException("cannot expand " + Shape.str(shape) + " to " + Arrays.toString(sizes));
            }
        }
        if (Arrays.equals(ns, shape)) return this;
        return Ops.get().expand(this, ns);
    }

    public Tensor expandAs(Tensor o) { return expand(o.shape); }
    public Tensor broadcastTo(int... sizes) { return expand(sizes); }

    public Tensor squeeze() {
        int n = 0;
        for (int s : shape) if (s != 1) n++;
        int[] ns = new int[n];
        int k = 0;
        for (int s : shape) if (s != 1) ns[k++] = s;
        return view(ns);
    }

    /** Removes dim when its size is 1 (otherwise returns this, like PyTorch). */
    public Tensor squeeze(int d) {
        int dd = Shape.dim(d, dim());
        if (shape[dd] != 1) return this;
        int[] ns = new int[dim() - 1];
        for (int i = 0, k = 0; i < dim(); i++) if (i != dd) ns[k++] = shape[i];
        return view(ns);
    }

    public Tensor unsqueeze(int d) {
        int dd = Shape.dim(d, dim() + 1);
        int[] ns = new int[dim() + 1];
        for (int i = 0, k = 0; i < ns.length; i++) ns[i] = i == dd ? 1 : shape[k++];
        return view(ns);
    }

    public Tensor contiguous() { return isContiguous() ? this : Ops.get().copy(this, dtype(), device()); }

    /** Splits into n chunks along dim (the last may be smaller), like torch.chunk. */
    public List<Tensor> chunk(int n, int d) {
        if (n <= 0) throw new IllegalArgumentException("chunk count must be positive, got " + n);
        int dd = Shape.dim(d, dim());
        int size = Math.ceilDiv(shape[dd], n);
        return split(Math.max(size, 1), dd);
    }

    /** torch.split with a chunk size. */
    public List<Tensor> split(int size, int d) {
        int dd = Shape.dim(d, dim());
        if (size <= 0 && shape[dd] > 0) throw new IllegalArgumentException("split size must be positive, got " + size);
        List<Tensor> out = new ArrayList<>();
        for (int s = 0; s < shape[dd]; s += size) out.add(narrow(dd, s, Math.min(size, shape[dd] - s)));
        if (out.isEmpty()) out.add(narrow(dd, 0, 0));
        return out;
    }

    /** torch.split with explicit sizes. */
    public List<Tensor> split(int[] sizes, int d) {
        int dd = Shape.dim(d, dim());
        int total = 0;
        for (int s : sizes) {
            if (s < 0) throw new IllegalArgumentException("split sizes must be non-negative, got " + Arrays.toString(sizes));
            total += s;
        }
        if (total != shape[dd]) throw new IllegalArgumentException("split sizes " + Arrays.toString(sizes) + " do not sum to " + shape[dd]);
        List<Tensor> out = new ArrayList<>();
        int s0 = 0;
        for (int s : sizes) { out.add(narrow(dd, s0, s)); s0 += s; }
        return out;
    }

    public List<Tensor> unbind(int d) {
        int dd = Shape.dim(d, dim());
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < shape[dd]; i++) out.add(select(dd, i));
        return out;
    }

    // ------------------------------------------------------------------ conversion

    public Tensor to(DType dt) { return dt == dtype() ? this : Ops.get().copy(this, dt, device()); }
    public Tensor to(Device d) { return d.equals(device()) ? this : Ops.get().copy(this, dtype(), d); }
    public Tensor to(DType dt, Device d) { return dt == dtype() && d.equals(device()) ? this : Ops.get().copy(this, dt, d); }
    public Tensor cpu() { return to(Device.CPU); }
    public Tensor clone() { return Ops.get().copy(this, dtype(), device()); }

    // ------------------------------------------------------------------ elementwise

    private Tensor un(UnaryOp op) { return Ops.get().unary(op, this, 0, 0); }
    private Tensor un(UnaryOp op, double a, double b) { return Ops.get().unary(op, this, a, b); }
    private Tensor bin(BinaryOp op, Tensor o) { return Ops.get().binary(op, this, o); }

    public Tensor add(Tensor o) { return bin(BinaryOp.ADD, o); }
    /** this + alpha * o */
    public Tensor add(Tensor o, double alpha) { return alpha == 1 ? add(o) : add(o.mul(alpha)); }
    public Tensor add(double v) { return un(UnaryOp.AFFINE, 1, v); }
    public Tensor sub(Tensor o) { return bin(BinaryOp.SUB, o); }
    public Tensor sub(double v) { return un(UnaryOp.AFFINE, 1, -v); }
    /** v - this */
    public Tensor rsub(double v) { return un(UnaryOp.AFFINE, -1, v); }
    public Tensor mul(Tensor o) { return bin(BinaryOp.MUL, o); }
    public Tensor mul(double v) { return un(UnaryOp.AFFINE, v, 0); }
    public Tensor div(Tensor o) { return bin(BinaryOp.DIV, o); }
    /** x / v: a true (correctly rounded) division for F32/F64, as torch; x * (1/v) for the other dtypes (result F32 for ints). */
    public Tensor div(double v) {
        if (dtype() == DType.F32 || dtype() == DType.F64) return bin(BinaryOp.DIV, scalarLike(v));
        return un(UnaryOp.AFFINE, 1.0 / v, 0);
    }
    public Tensor neg() { return un(UnaryOp.NEG); }
    public Tensor pow(double e) { return e == 1 ? this : e == 2 ? square() : un(UnaryOp.POW, e, 0); }
    public Tensor pow(Tensor e) { return bin(BinaryOp.POW, e); }
    public Tensor exp() { return un(UnaryOp.EXP); }
    public Tensor log() { return un(UnaryOp.LOG); }
    public Tensor sqrt() { return un(UnaryOp.SQRT); }
    public Tensor rsqrt() { return un(UnaryOp.RSQRT); }
    public Tensor abs() { return un(UnaryOp.ABS); }
    public Tensor sign() { return un(UnaryOp.SIGN); }
    public Tensor square() { return un(UnaryOp.SQUARE); }
    public Tensor reciprocal() { return un(UnaryOp.RECIPROCAL); }
    public Tensor sin() { return un(UnaryOp.SIN); }
    public Tensor cos() { return un(UnaryOp.COS); }
    public Tensor floor() { return un(UnaryOp.FLOOR); }
    public Tensor ceil() { return un(UnaryOp.CEIL); }
    public Tensor round() { return un(UnaryOp.ROUND); }
    public Tensor log1p() { return un(UnaryOp.LOG1P); }
    public Tensor expm1() { return un(UnaryOp.EXPM1); }
    public Tensor erf() { return un(UnaryOp.ERF); }
    public Tensor sigmoid() { return un(UnaryOp.SIGMOID); }
    public Tensor tanh() { return un(UnaryOp.TANH); }
    public Tensor relu() { return un(UnaryOp.RELU); }
    public Tensor leakyRelu(double slope) { return un(UnaryOp.LEAKY_RELU, slope, 0); }
    public Tensor silu() { return un(UnaryOp.SILU); }
    /** Exact (erf) GELU, F.gelu's default. */
    public Tensor gelu() { return un(UnaryOp.GELU); }
    /** F.gelu(approximate='tanh'). */
    public Tensor geluTanh() { return un(UnaryOp.GELU_TANH); }
    public Tensor clamp(double min, double max) { return un(UnaryOp.CLAMP, min, max); }
    public Tensor clampMin(double min) { return un(UnaryOp.CLAMP, min, Double.POSITIVE_INFINITY); }
    public Tensor clampMax(double max) { return un(UnaryOp.CLAMP, Double.NEGATIVE_INFINITY, max); }
    public Tensor maximum(Tensor o) { return bin(BinaryOp.MAX, o); }
    public Tensor minimum(Tensor o) { return bin(BinaryOp.MIN, o); }
    public Tensor atan2(Tensor o) { return bin(BinaryOp.ATAN2, o); }

    public Tensor eq(Tensor o) { return bin(BinaryOp.EQ, o); }
    public Tensor ne(Tensor o) { return bin(BinaryOp.NE, o); }
    public Tensor lt(Tensor o) { return bin(BinaryOp.LT, o); }
    public Tensor le(Tensor o) { return bin(BinaryOp.LE, o); }
    public Tensor gt(Tensor o) { return bin(BinaryOp.GT, o); }
    public Tensor ge(Tensor o) { return bin(BinaryOp.GE, o); }
    public Tensor eq(double v) { return eq(scalarLike(v)); }
    public Tensor ne(double v) { return ne(scalarLike(v)); }
    public Tensor lt(double v) { return lt(scalarLike(v)); }
    public Tensor le(double v) { return le(scalarLike(v)); }
    public Tensor gt(double v) { return gt(scalarLike(v)); }
    public Tensor ge(double v) { return ge(scalarLike(v)); }
    public Tensor logicalAnd(Tensor o) { return bin(BinaryOp.AND, o); }
    public Tensor logicalOr(Tensor o) { return bin(BinaryOp.OR, o); }
    public Tensor logicalXor(Tensor o) { return bin(BinaryOp.XOR, o); }
    public Tensor logicalNot() { return un(UnaryOp.NOT); }
    public Tensor isnan() { return un(UnaryOp.ISNAN); }
    public Tensor isfinite() { return un(UnaryOp.ISFINITE); }

    /** torch.where(cond, a, b) with broadcasting. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Ops.get().where(cond, a, b); }

    /** Tensor.masked_fill(mask, value). */
    public Tensor maskedFill(Tensor mask, double value) { return where(mask, scalarLike(value), this); }

    /** torch.lerp(this, end, weight) = this + weight * (end - this). */
    public Tensor lerp(Tensor end, double weight) { return add(end.sub(this).mul(weight)); }

    // ------------------------------------------------------------------ reductions

    private int countOver(int[] dims) {
        long n = 1;
        for (int d : dims) n *= shape[d];
        return (int) n;
    }

    public Tensor sum() { return Ops.get().reduce(ReduceOp.SUM, this, Shape.dims(null, dim()), false); }
    public Tensor sum(int d) { return sum(new int[] {d}, false); }
    public Tensor sum(int[] dims, boolean keepdim) { return Ops.get().reduce(ReduceOp.SUM, this, Shape.dims(dims, dim()), keepdim); }
    public Tensor prod(int[] dims, boolean keepdim) { return Ops.get().reduce(ReduceOp.PROD, this, Shape.dims(dims, dim()), keepdim); }

    public Tensor mean() { return mean(null, false); }
    public Tensor mean(int d) { return mean(new int[] {d}, false); }
    public Tensor mean(int[] dims, boolean keepdim) {
        int[] dd = Shape.dims(dims, dim());
        return sum(dd, keepdim).div(countOver(dd));
    }

    /** torch.var(dims, unbiased, keepdim); correction 1 when unbiased. */
    public Tensor var(int[] dims, boolean unbiased, boolean keepdim) {
        int[] dd = Shape.dims(dims, dim());
        int n = countOver(dd);
        Tensor centered = sub(mean(dd, true));
        return centered.square().sum(dd, keepdim).div(Math.max(n - (unbiased ? 1 : 0), 0));
    }

    public Tensor var(boolean unbiased) { return var(null, unbiased, false); }
    public Tensor std(int[] dims, boolean unbiased, boolean keepdim) { return var(dims, unbiased, keepdim).sqrt(); }
    public Tensor std(boolean unbiased) { return var(unbiased).sqrt(); }

    /** torch.amax over dims. */
    public Tensor amax(int[] dims, boolean keepdim) { return Ops.get().reduce(ReduceOp.MAX, this, Shape.dims(dims, dim()), keepdim); }
    public Tensor amin(int[] dims, boolean keepdim) { return Ops.get().reduce(ReduceOp.MIN, this, Shape.dims(dims, dim()), keepdim); }
    /** Global max (torch.max()). */
    public Tensor max() { return amax(null, false); }
    public Tensor min() { return amin(null, false); }
    public Tensor max(int d, boolean keepdim) { return amax(new int[] {d}, keepdim); }
    public Tensor min(int d, boolean keepdim) { return amin(new int[] {d}, keepdim); }
    public Tensor argmax(int d, boolean keepdim) { return Ops.get().argReduce(ReduceOp.ARGMAX, this, Shape.dim(d, dim()), keepdim); }
    public Tensor argmin(int d, boolean keepdim) { return Ops.get().argReduce(ReduceOp.ARGMIN, this, Shape.dim(d, dim()), keepdim); }
    /** Index of the global max in the flattened tensor. */
    public Tensor argmax() { return reshape(-1).argmax(0, false); }

    /** torch.linalg.vector_norm with p = 1, 2, any positive p, or +inf. */
    public Tensor norm(double p, int[] dims, boolean keepdim) {
        int[] dd = Shape.dims(dims, dim());
        if (p == 2) return square().sum(dd, keepdim).sqrt();
        if (p == 1) return abs().sum(dd, keepdim);
        if (Double.isInfinite(p) && p > 0) return abs().amax(dd, keepdim);
        if (p <= 0) throw new IllegalArgumentException("norm order must be positive, got " + p);
        return abs().pow(p).sum(dd, keepdim).pow(1.0 / p);
    }

    public Tensor norm() { return norm(2, null, false); }

    /** torch.logsumexp, stable. */
    public Tensor logsumexp(int[] dims, boolean keepdim) {
        int[] dd = Shape.dims(dims, dim());
        int groupSize = countOver(dd);
        if (groupSize == 0) { // log(sum of nothing) = -inf, as torch
            int[] ks = shape();
            for (int d : dd) ks[d] = 1;
            Tensor r = full(Double.NEGATIVE_INFINITY, dtype(), device(), ks);
            return keepdim ? r : squeezeDims(r, dd);
        }
        Tensor m = amax(dd, true).detach();
        m = m.maskedFill(m.isfinite().logicalNot(), 0); // all -inf (or an inf) group: shift by 0 so no inf - inf NaN
        Tensor r = sub(m).exp().sum(dd, true).log().add(m);
        return keepdim ? r : squeezeDims(r, dd);
    }

    private static Tensor squeezeDims(Tensor t, int[] sortedDims) {
        Tensor r = t;
        for (int i = sortedDims.length - 1; i >= 0; i--) r = r.squeeze(sortedDims[i]);
        return r;
    }

    /** torch.all(dims, keepdim): BOOL, true where every element of the group is nonzero. */
    public Tensor all(int[] dims, boolean keepdim) { return to(DType.BOOL).amin(dims, keepdim); }
    /** torch.any(dims, keepdim): BOOL, true where some element of the group is nonzero. */
    public Tensor any(int[] dims, boolean keepdim) { return to(DType.BOOL).amax(dims, keepdim); }

    public boolean all() { return numel() == 0 || to(DType.BOOL).to(DType.I64).sum().item() == numel(); }
    public boolean any() { return numel() > 0 && to(DType.BOOL).to(DType.I64).sum().item() > 0; }

    // ------------------------------------------------------------------ linear algebra

    /** torch.matmul (1-D and batched, broadcasting batch dims). */
    public Tensor matmul(Tensor o) { return Ops.get().matmul(this, o); }
    public Tensor mm(Tensor o) {
        if (dim() != 2 || o.dim() != 2) throw new IllegalArgumentException("mm needs 2-D tensors");
        return matmul(o);
    }
    public Tensor bmm(Tensor o) {
        if (dim() != 3 || o.dim() != 3) throw new IllegalArgumentException("bmm needs 3-D tensors");
        return matmul(o);
    }

    // ------------------------------------------------------------------ joining, indexing

    public static Tensor cat(List<Tensor> xs, int d) {
        if (xs.isEmpty()) throw new IllegalArgumentException("cat needs at least one tensor");
        return Ops.get().cat(xs, Shape.dim(d, xs.get(0).dim()));
    }

    public static Tensor stack(List<Tensor> xs, int d) {
        if (xs.isEmpty()) throw new IllegalArgumentException("stack needs at least one tensor");
        int dd = Shape.dim(d, xs.get(0).dim() + 1);
        List<Tensor> u = new ArrayList<>(xs.size());
        for (Tensor x : xs) {
            if (!x.sameShape(xs.get(0))) throw new IllegalArgumentException("stack needs equal shapes, got "
                    + Shape.str(xs.get(0).shape) + " and " + Shape.str(x.shape));
            u.add(x.unsqueeze(dd));
        }
        return Ops.get().cat(u, dd);
    }

    public Tensor indexSelect(int d, Tensor index) { return Ops.get().indexSelect(this, Shape.dim(d, dim()), index); }
    public Tensor gather(int d, Tensor index) { return Ops.get().gather(this, Shape.dim(d, dim()), index); }

    public Tensor flip(int... dims) { return Ops.get().flip(this, Shape.dims(dims, dim())); }

    /** Tensor.repeat (tile). */
    public Tensor repeat(int... reps) {
        if (reps.length < dim()) throw new IllegalArgumentException("repeat needs at least " + dim() + " counts");
        int lead = reps.length - dim();
        int[] padded = new int[reps.length];
        for (int i = 0; i < reps.length; i++) padded[i] = i < lead ? 1 : shape[i - lead];
        Tensor x = view(padded);
        // [.., s_i, ..] -> [.., r_i, s_i, ..] expanded -> reshape [.., r_i*s_i, ..]
        int[] inter = new int[2 * reps.length];
        int[] fin = new int[reps.length];
        int[] withOnes = new int[2 * reps.length];
        for (int i = 0; i < reps.length; i++) {
            inter[2 * i] = reps[i]; inter[2 * i + 1] = padded[i];
            withOnes[2 * i] = 1; withOnes[2 * i + 1] = padded[i];
            fin[i] = reps[i] * padded[i];
        }
        return x.view(withOnes).expand(inter).reshape(fin);
    }

    /** torch.repeat_interleave(repeats, dim): each element repeated consecutively. */
    public Tensor repeatInterleave(int repeats, int d) {
        int dd = Shape.dim(d, dim());
        Tensor u = unsqueeze(dd + 1);
        int[] es = u.shape();
        es[dd + 1] = repeats;
        int[] fin = shape();
        fin[dd] *= repeats;
        return u.expand(es).reshape(fin);
    }

    /**
     * F.pad: pads lists (before, after) pairs starting from the last dim. Modes: CONSTANT (value), REFLECT,
     * REPLICATE, CIRCULAR, and FIRST (SSVAE's causal 'first' mode: the padded frames of dim -3 repeat the
     * first/last frame, other padded dims get value). Negative pads crop.
     */
    public Tensor pad(int[] pads, PadMode mode, double value) {
        if (pads.length % 2 != 0 || pads.length / 2 > dim()) throw new IllegalArgumentException("pad needs pairs for at most " + dim() + " dims");
        Tensor x = this;
        for (int k = 0; k < pads.length / 2; k++) {
            int d = dim() - 1 - k;
            int before = pads[2 * k], after = pads[2 * k + 1];
            if (before == 0 && after == 0) continue;
            PadMode m = mode;
            if (mode == PadMode.FIRST) m = (d == dim() - 3) ? PadMode.REPLICATE : PadMode.CONSTANT;
            x = padDim(x, d, before, after, m, value);
        }
        return x;
    }

    public Tensor pad(int... pads) { return pad(pads, PadMode.CONSTANT, 0); }

    private static Tensor padDim(Tensor x, int d, int before, int after, PadMode m, double value) {
        int n = x.shape[d];
        if (before < 0) { x = x.narrow(d, -before, n + before); n += before; before = 0; }
        if (after < 0) { x = x.narrow(d, 0, n + after); n += after; after = 0; }
        if (before == 0 && after == 0) return x;
        if (m == PadMode.CONSTANT) {
            List<Tensor> parts = new ArrayList<>(3);
            if (before > 0) { int[] s = x.shape(); s[d] = before; parts.add(full(value, x.dtype(), x.device(), s)); }
            parts.add(x);
            if (after > 0) { int[] s = x.shape(); s[d] = after; parts.add(full(value, x.dtype(), x.device(), s)); }
            return cat(parts, d);
        }
        if (m == PadMode.REFLECT && (before >= n || after >= n))
            throw new IllegalArgumentException("reflect padding (" + before + ", " + after + ") must be smaller than the input size " + n);
        if (m == PadMode.CIRCULAR && (before > n || after > n))
            throw new IllegalArgumentException("circular padding (" + before + ", " + after + ") must not exceed the input size " + n);
        long[] idx = new long[before + n + after];
        for (int i = 0; i < idx.length; i++) {
            int j = i - before;
            idx[i] = switch (m) {
                case REPLICATE, FIRST -> Math.min(Math.max(j, 0), n - 1);
                case REFLECT -> j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
                case CIRCULAR -> Math.floorMod(j, n);
                case CONSTANT -> throw new AssertionError();
            };
        }
        return x.indexSelect(d, fromLongs(idx, idx.length).to(x.device()));
    }

    // ------------------------------------------------------------------ in-place (not recorded)

    private void checkInPlace() {
        if (requiresGrad && GradMode.isEnabled()) {
            if (isLeaf()) throw new IllegalStateException("a leaf tensor that requires grad is used in an in-place operation; wrap it in GradMode.noGrad()");
            // in-place ops are not recorded: writing into a graph tensor would silently corrupt its gradient
            throw new IllegalStateException("in-place operation on a tensor that requires grad (" + gradFn.name()
                    + "); in-place ops are not recorded by autograd: use the out-of-place op, or GradMode.noGrad()");
        }
        storage.version++;
    }

    private Backend backend() { return Backends.get(device()); }

    /** Tensor.copy_(src) with broadcasting and dtype/device conversion. */
    public Tensor copy_(Tensor src) {
        checkInPlace();
        Tensor s = src.detach();
        if (!s.device().equals(device())) s = Ops.get().copy(s, s.dtype(), device()).detach();
        else if (s.storage == storage) s = Ops.get().copy(s, s.dtype(), device()).detach(); // overlapping source, e.g. x.copy_(x.flip(0))
        if (!Arrays.equals(s.shape, shape)) s = s.expand(shape).detach();
        backend().copy(s, this);
        return this;
    }

    public Tensor fill_(double v) { checkInPlace(); backend().fill(this, v); return this; }
    public Tensor zero_() { return fill_(0); }

    /** this += alpha * o (broadcast o). */
    public Tensor add_(Tensor o, double alpha) {
        checkInPlace();
        Tensor r;
        try (var g = GradMode.noGrad()) { r = alpha == 1 ? add(o) : add(o.mul(alpha)); }
        backend().copy(r.to(dtype()), this);
        return this;
    }

    public Tensor add_(Tensor o) { return add_(o, 1); }

    public Tensor mul_(double v) {
        checkInPlace();
        backend().unary(UnaryOp.AFFINE, this, this, v, 0);
        return this;
    }

    public Tensor mul_(Tensor o) {
        checkInPlace();
        Tensor r;
        try (var g = GradMode.noGrad()) { r = mul(o); }
        backend().copy(r.to(dtype()), this);
        return this;
    }

    // ------------------------------------------------------------------ printing

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(shape=").append(Shape.str(shape)).append(", dtype=").append(dtype())
                .append(", device=").append(device());
        if (gradFn != null) sb.append(", grad_fn=").append(gradFn.name());
        else if (requiresGrad) sb.append(", requires_grad=true");
        int n = numel();
        if (n <= 16 && !storage.isReleased()) {
            double[] v = to(DType.F64).toDoubleArray();
            sb.append(", values=").append(Arrays.toString(v));
        }
        return sb.append(')').toString();
    }
}
