package ssvae.autograd;

import ssvae.tensor.Backend;
import ssvae.tensor.Backends;
import ssvae.tensor.BinaryOp;
import ssvae.tensor.ConvParams;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.GradMode;
import ssvae.tensor.InterpMode;
import ssvae.tensor.NormMode;
import ssvae.tensor.PoolParams;
import ssvae.tensor.ReduceOp;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;
import ssvae.tensor.TensorOps;
import ssvae.tensor.UnaryOp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The differentiable primitives: shape inference, dtype promotion, the backend call and the gradient rule,
 * each in one place. Gradient rules run with grad mode off and use Tensor methods (first-order only).
 */
public final class AutogradOps implements TensorOps {

    static Backend be(Tensor t) { return Backends.get(t.device()); }

    /** Attaches a node to out when grad mode is on and an input requires grad. */
    static Tensor record(String name, Tensor out, Node.Rule rule, Tensor... inputs) {
        if (!GradMode.isEnabled()) return out;
        boolean any = false;
        boolean[] needs = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            needs[i] = inputs[i] != null && inputs[i].requiresGrad();
            any |= needs[i];
        }
        if (!any) return out;
        if (!out.dtype().floating) return out;
        out.setGradFn(new Node(name, inputs.clone(), needs, rule, out));
        return out;
    }

    static void sameDevice(String op, Tensor... ts) {
        Device d = null;
        for (Tensor t : ts) {
            if (t == null) continue;
            if (d == null) d = t.device();
            else if (!d.equals(t.device()))
                throw new IllegalArgumentException(op + ": expected all tensors on the same device, got " + d + " and " + t.device());
        }
    }

    /** Sums g over broadcast dims so it has shape. */
    static Tensor reduceTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < gs.length; i++) {
            if (i < lead) dims.add(i);
            else if (shape[i - lead] == 1 && gs[i] != 1) dims.add(i);
        }
        Tensor r = dims.isEmpty() ? g : g.sum(dims.stream().mapToInt(Integer::intValue).toArray(), true);
        return r.reshape(shape);
    }

    static Tensor raw(Tensor x, int[] shape, int[] strides, int offset) { return new Tensor(x.storage(), shape, strides, offset); }

    // ------------------------------------------------------------------ graph

    @Override public void backward(Tensor root, Tensor grad, boolean retainGraph) {
        Engine.backward(List.of(root), grad == null ? null : java.util.Collections.singletonList(grad), retainGraph);
    }

    // ------------------------------------------------------------------ views

    @Override public Tensor view(Tensor x, int[] shape, int[] strides) {
        int[] xs = x.shape();
        return record("ViewBackward", raw(x, shape, strides, x.offset()), (g, n) -> new Tensor[] {g.reshape(xs)}, x);
    }

    @Override public Tensor permute(Tensor x, int[] dims) {
        int[] xs = x.shape(), st = x.strides();
        int[] ns = new int[dims.length], nst = new int[dims.length], inv = new int[dims.length];
        for (int i = 0; i < dims.length; i++) { ns[i] = xs[dims[i]]; nst[i] = st[dims[i]]; inv[dims[i]] = i; }
        return record("PermuteBackward", raw(x, ns, nst, x.offset()), (g, n) -> new Tensor[] {g.permute(inv)}, x);
    }

    @Override public Tensor slice(Tensor x, int dim, int start, int end, int step) {
        int[] ns = x.shape(), st = x.strides();
        int len = Math.max(0, Math.ceilDiv(end - start, step));
        int off = x.offset() + (len > 0 ? start * st[dim] : 0);
        ns[dim] = len;
        st[dim] *= step;
        int[] xs = x.shape();
        return record("SliceBackward", raw(x, ns, st, off), (g, n) -> {
            Tensor gx = Tensor.zeros(g.dtype(), g.device(), xs);
            Tensor dstView = sliceRaw(gx, dim, start, len, step);
            be(gx).copy(g, dstView);
            return new Tensor[] {gx};
        }, x);
    }

    static Tensor sliceRaw(Tensor x, int dim, int start, int len, int step) {
        int[] ns = x.shape(), st = x.strides();
        int off = x.offset() + (len > 0 ? start * st[dim] : 0);
        ns[dim] = len;
        st[dim] *= step;
        return raw(x, ns, st, off);
    }

    @Override public Tensor expand(Tensor x, int[] shape) {
        int[] xs = x.shape(), xst = x.strides();
        int lead = shape.length - xs.length;
        int[] st = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (i < lead) st[i] = 0;
            else st[i] = (xs[i - lead] == 1 && shape[i] != 1) ? 0 : xst[i - lead];
        }
        return record("ExpandBackward", raw(x, shape.clone(), st, x.offset()), (g, n) -> new Tensor[] {reduceTo(g, xs)}, x);
    }

    // ------------------------------------------------------------------ copies

    @Override public Tensor copy(Tensor x, DType dtype, Device device) {
        Tensor out;
        if (x.device().equals(device)) {
            out = Tensor.empty(dtype, device, x.shape());
            be(x).copy(x, out);
        } else {
            // contiguous in the source dtype on the source device, move bytes, then convert on the target
            Tensor src = x;
            if (!x.isContiguous() || x.offset() != 0 || x.numel() != x.storage().numel()) {
                src = Tensor.empty(x.dtype(), x.device(), x.shape());
                be(x).copy(x, src);
            }
            Tensor moved = Tensor.empty(x.dtype(), device, x.shape());
            if (device.isCpu()) be(src).copyToHost(src, moved);
            else Backends.get(device).copyFromHost(src, moved);
            if (dtype == x.dtype()) out = moved;
            else {
                out = Tensor.empty(dtype, device, x.shape());
                Backends.get(device).copy(moved, out);
            }
        }
        DType xd = x.dtype();
        Device xdev = x.device();
        return record("CopyBackward", out, (g, n) -> new Tensor[] {g.to(xd, xdev)}, x);
    }

    @Override public Tensor flip(Tensor x, int[] dims) {
        int[] st = x.strides(), sh = x.shape();
        int off = x.offset();
        for (int d : dims) {
            if (sh[d] > 0) off += (sh[d] - 1) * st[d];
            st[d] = -st[d];
        }
        Tensor out = Tensor.empty(x.dtype(), x.device(), sh);
        be(x).copy(raw(x, sh, st, off), out);
        return record("FlipBackward", out, (g, n) -> new Tensor[] {g.flip(dims)}, x);
    }

    @Override public Tensor cat(List<Tensor> xs, int dim) {
        Tensor first = xs.get(0);
        int rank = first.dim();
        DType dt = first.dtype();
        int total = 0;
        for (Tensor t : xs) {
            if (t.dim() != rank) throw new IllegalArgumentException("cat: tensors must have the same rank, got " + Shape.str(first.shape()) + " and " + Shape.str(t.shape()));
            for (int d = 0; d < rank; d++)
                if (d != dim && t.size(d) != first.size(d))
                    throw new IllegalArgumentException("cat: sizes must match except in dim " + dim + ", got " + Shape.str(first.shape()) + " and " + Shape.str(t.shape()));
            dt = DType.promote(dt, t.dtype());
            total += t.size(dim);
        }
        sameDevice("cat", xs.toArray(new Tensor[0]));
        int[] os = first.shape();
        os[dim] = total;
        Tensor out = Tensor.empty(dt, first.device(), os);
        int[] offs = new int[xs.size()], lens = new int[xs.size()];
        int o = 0;
        for (int i = 0; i < xs.size(); i++) {
            Tensor t = xs.get(i);
            offs[i] = o; lens[i] = t.size(dim);
            if (lens[i] > 0) be(out).copy(t, sliceRaw(out, dim, o, lens[i], 1));
            o += lens[i];
        }
        Tensor[] ins = xs.toArray(new Tensor[0]);
        DType[] dts = new DType[ins.length];
        for (int i = 0; i < ins.length; i++) dts[i] = ins[i].dtype();
        return record("CatBackward", out, (g, n) -> {
            Tensor[] r = new Tensor[ins.length];
            for (int i = 0; i < ins.length; i++) if (n[i]) r[i] = g.narrow(dim, offs[i], lens[i]).to(dts[i]);
            return r;
        }, ins);
    }

    // ------------------------------------------------------------------ elementwise

    private static boolean keepsIntType(UnaryOp op, double a, double b) {
        boolean ia = a == Math.rint(a) || Double.isInfinite(a), ib = b == Math.rint(b) || Double.isInfinite(b);
        return switch (op) {
            case NEG, ABS, SIGN, SQUARE, RELU -> true;
            case AFFINE, CLAMP -> ia && ib;
            default -> false;
        };
    }

    private static boolean boolResult(UnaryOp op) { return op == UnaryOp.ISNAN || op == UnaryOp.ISFINITE || op == UnaryOp.NOT; }

    @Override public Tensor unary(UnaryOp op, Tensor x, double a, double b) {
        DType dt = boolResult(op) ? DType.BOOL : x.dtype().floating || keepsIntType(op, a, b) ? x.dtype() : DType.F32;
        if (dt == DType.BOOL && !boolResult(op) && (op == UnaryOp.AFFINE || op == UnaryOp.SQUARE || op == UnaryOp.NEG))
            dt = DType.I64; // arithmetic on bool counts in int64, as torch (True + 1 == 2)
        Tensor out = Tensor.empty(dt, x.device(), x.shape());
        be(x).unary(op, x, out, a, b);
        if (boolResult(op)) return out;
        final Tensor y = out;
        return record(op.name() + "Backward", out, (g, n) -> new Tensor[] {unaryGrad(op, x, y, g, a, b)}, x);
    }

    private static Tensor deriv(UnaryOp d, Tensor x, double a, double b) {
        Tensor out = Tensor.empty(x.dtype(), x.device(), x.shape());
        be(x).unary(d, x, out, a, b);
        return out;
    }

    static Tensor unaryGrad(UnaryOp op, Tensor x, Tensor y, Tensor g, double a, double b) {
        return switch (op) {
            case NEG -> g.neg();
            case EXP -> g.mul(y);
            case LOG -> g.div(x);
            case SQRT -> g.div(y).mul(0.5);
            case RSQRT -> g.mul(y.square().mul(y)).mul(-0.5);
            case ABS -> g.mul(x.sign());
            case SIGN, FLOOR, CEIL, ROUND -> g.zerosLike();
            case SIGMOID -> g.mul(y.mul(y.rsub(1)));
            case TANH -> g.mul(y.square().rsub(1));
            case RELU -> g.mul(deriv(UnaryOp.LEAKY_RELU_GRAD, x, 0, 0));
            case SILU -> g.mul(deriv(UnaryOp.SILU_GRAD, x, 0, 0));
            case GELU -> g.mul(deriv(UnaryOp.GELU_GRAD, x, 0, 0));
            case GELU_TANH -> g.mul(deriv(UnaryOp.GELU_TANH_GRAD, x, 0, 0));
            case SQUARE -> g.mul(x).mul(2);
            case RECIPROCAL -> g.mul(y.square()).neg();
            case SIN -> g.mul(x.cos());
            case COS -> g.mul(x.sin()).neg();
            case LOG1P -> g.div(x.add(1));
            case EXPM1 -> g.mul(y.add(1));
            case ERF -> g.mul(deriv(UnaryOp.ERF_GRAD, x, 0, 0));
            case LEAKY_RELU -> g.mul(deriv(UnaryOp.LEAKY_RELU_GRAD, x, a, 0));
            case AFFINE -> g.mul(a);
            case POW -> g.mul(deriv(UnaryOp.POW_GRAD, x, a, 0));
            case CLAMP -> g.mul(deriv(UnaryOp.CLAMP_GRAD, x, a, b));
            case RPOW -> g.mul(y).mul(Math.log(a));
            default -> throw new UnsupportedOperationException("no gradient for " + op + " (derivative ops are not differentiable)");
        };
    }

    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        sameDevice(op.name().toLowerCase(), a, b);
        DType ct = DType.promote(a.dtype(), b.dtype());
        if (op == BinaryOp.DIV || op == BinaryOp.ATAN2 || (op == BinaryOp.POW && !ct.floating && false)) {
            if (!ct.floating) ct = DType.F32; // true division
        }
        Tensor ac = a.dtype() == ct ? a : copy(a, ct, a.device());
        Tensor bc = b.dtype() == ct ? b : copy(b, ct, b.device());
        int[] shape = Shape.broadcast(a.shape(), b.shape());
        Tensor ae = Arrays.equals(ac.shape(), shape) ? ac : expand(ac, shape);
        Tensor bEx = Arrays.equals(bc.shape(), shape) ? bc : expand(bc, shape);
        DType outT = op.isComparison() ? DType.BOOL : ct;
        Tensor out = Tensor.empty(outT, a.device(), shape);
        be(a).binary(op, ae, bEx, out);
        if (op.isComparison()) return out;
        final Tensor y = out;
        // the rule is attached to the expanded, promoted operands; their own nodes reduce back
        return record(op.name() + "Backward", out, (g, n) -> binaryGrad(op, ae, bEx, y, g, n), ae, bEx);
    }

    static Tensor[] binaryGrad(BinaryOp op, Tensor a, Tensor b, Tensor y, Tensor g, boolean[] n) {
        Tensor ga = null, gb = null;
        switch (op) {
            case ADD -> { ga = g; gb = g; }
            case SUB -> { ga = g; if (n[1]) gb = g.neg(); }
            case MUL -> { if (n[0]) ga = g.mul(b); if (n[1]) gb = g.mul(a); }
            case DIV -> { if (n[0]) ga = g.div(b); if (n[1]) gb = g.mul(y).div(b).neg(); }
            case POW -> {
                // derivatives.yaml pow_backward_self / pow_backward_exponent: masked where the formula is 0 * inf
                if (n[0]) ga = g.mul(b.mul(a.pow(b.sub(1))).maskedFill(b.eq(0), 0));
                if (n[1]) gb = g.mul(y.mul(a.log()).maskedFill(a.eq(0).logicalAnd(b.ge(0)), 0));
            }
            case MAX, MIN -> {
                Tensor win = op == BinaryOp.MAX ? a.gt(b) : a.lt(b);
                Tensor tie = a.eq(b);
                Tensor wa = win.to(g.dtype()).add(tie.to(g.dtype()).mul(0.5));
                if (n[0]) ga = g.mul(wa);
                if (n[1]) gb = g.mul(wa.rsub(1));
            }
            case ATAN2 -> {
                Tensor den = a.square().add(b.square());
                if (n[0]) ga = g.mul(b).div(den);
                if (n[1]) gb = g.mul(a).div(den).neg();
            }
            default -> throw new UnsupportedOperationException("no gradient for " + op);
        }
        return new Tensor[] {ga, gb};
    }

    @Override public Tensor where(Tensor cond, Tensor a, Tensor b) {
        sameDevice("where", cond, a, b);
        DType ct = DType.promote(a.dtype(), b.dtype());
        Tensor ac = a.dtype() == ct ? a : copy(a, ct, a.device());
        Tensor bc = b.dtype() == ct ? b : copy(b, ct, b.device());
        Tensor cb = cond.dtype() == DType.BOOL ? cond : cond.ne(0);
        int[] shape = Shape.broadcast(Shape.broadcast(cond.shape(), a.shape()), b.shape());
        Tensor ce = Arrays.equals(cb.shape(), shape) ? cb : expand(cb, shape);
        Tensor ae = Arrays.equals(ac.shape(), shape) ? ac : expand(ac, shape);
        Tensor bEx = Arrays.equals(bc.shape(), shape) ? bc : expand(bc, shape);
        Tensor out = Tensor.empty(ct, a.device(), shape);
        be(a).where(ce, ae, bEx, out);
        return record("WhereBackward", out, (g, n) -> {
            Tensor z = g.zerosLike();
            return new Tensor[] {n[0] ? Tensor.where(ce, g, z) : null, n[1] ? Tensor.where(ce, z, g) : null};
        }, ae, bEx);
    }

    // ------------------------------------------------------------------ reductions

    @Override public Tensor reduce(ReduceOp op, Tensor x, int[] dims, boolean keepdim) {
        int[] xs = x.shape();
        int[] ks = xs.clone();
        for (int d : dims) ks[d] = 1;
        DType dt = (op == ReduceOp.SUM || op == ReduceOp.PROD) && !x.dtype().floating ? DType.I64 : x.dtype();
        if ((op == ReduceOp.MAX || op == ReduceOp.MIN) && x.numel() == 0) // no identity: reduced dims must not be empty
            for (int d : dims)
                if (xs[d] == 0) throw new IllegalArgumentException(op.name().toLowerCase()
                        + "(): cannot reduce over the empty dimension " + d + " of a tensor of shape " + Shape.str(xs));
        Tensor out = Tensor.empty(dt, x.device(), ks);
        be(x).reduce(op, x, out);
        Tensor keep = out;
        Node.Rule rule = (g, n) -> {
            Tensor gk = g.reshape(ks);
            return new Tensor[] {switch (op) {
                case SUM -> gk.expand(xs);
                case PROD -> prodGrad(x, keep, gk, dims);
                case MAX, MIN -> {
                    Tensor mask = x.eq(keep).to(g.dtype());
                    yield gk.mul(mask).div(mask.sum(dims, true));
                }
                default -> throw new UnsupportedOperationException(op.toString());
            }};
        };
        Tensor res = record(op.name() + "Backward", out, rule, x);
        if (keepdim) return res;
        int[] squeezed = new int[xs.length - dims.length];
        for (int i = 0, k = 0, j = 0; i < xs.length; i++) {
            if (j < dims.length && dims[j] == i) { j++; continue; }
            squeezed[k++] = xs[i];
        }
        return res.view(squeezed);
    }

    /**
     * Gradient of prod over dims (PyTorch prod_backward): g * prod / x where no zero is in the group; where the group
     * has exactly one zero, that element gets g * (product of the others) and the rest 0; two or more zeros give 0.
     */
    static Tensor prodGrad(Tensor x, Tensor prod, Tensor gk, int[] dims) {
        Tensor zero = x.eq(0);
        Tensor nz = Tensor.where(zero, x.scalarLike(1), x);
        Tensor prodNz = nz.prod(dims, true);
        Tensor zeros = zero.to(DType.I64).sum(dims, true);
        Tensor noZero = gk.mul(prod).div(nz);
        Tensor oneZero = Tensor.where(zero.logicalAnd(zeros.eq(1)), gk.mul(prodNz), x.scalarLike(0));
        return Tensor.where(zeros.eq(0), noZero, oneZero);
    }

    @Override public Tensor argReduce(ReduceOp op, Tensor x, int dim, boolean keepdim) {
        if (x.dim() == 0) return Tensor.zeros(DType.I64, x.device());
        if (x.size(dim) == 0) throw new IllegalArgumentException(op.name().toLowerCase() + "(): cannot reduce an empty dimension");
        int[] ks = x.shape();
        ks[dim] = 1;
        Tensor out = Tensor.empty(DType.I64, x.device(), ks);
        be(x).argReduce(op, x, dim, out);
        return keepdim ? out : out.squeeze(dim);
    }

    // ------------------------------------------------------------------ matmul

    @Override public Tensor matmul(Tensor a, Tensor b) {
        sameDevice("matmul", a, b);
        if (a.dim() == 0 || b.dim() == 0) throw new IllegalArgumentException("matmul: both arguments need at least 1 dimension");
        if (a.dim() == 1 && b.dim() == 1) return matmul(a.unsqueeze(0), b.unsqueeze(1)).view();
        if (a.dim() == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
        if (b.dim() == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
        int M = a.size(-2), K = a.size(-1), K2 = b.size(-2), N = b.size(-1);
        if (K != K2) throw new IllegalArgumentException("matmul: shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()) + " cannot be multiplied");
        DType ct = DType.promote(a.dtype(), b.dtype());
        if (!ct.floating) throw new IllegalArgumentException("matmul needs floating tensors, got " + a.dtype() + " and " + b.dtype());
        Tensor ac = a.to(ct), bc = b.to(ct);
        if (bc.dim() == 2 && ac.dim() > 2) {
            // fold a's batch into M: [.., M, K] x [K, N]
            int[] as = ac.shape();
            int[] os = as.clone();
            os[os.length - 1] = N;
            return matmul(ac.reshape(-1, K), bc).view(os);
        }
        int[] ab = Arrays.copyOf(ac.shape(), ac.dim() - 2), bb = Arrays.copyOf(bc.shape(), bc.dim() - 2);
        int[] batch = Shape.broadcast(ab, bb);
        int B = Shape.numel(batch);
        int[] aFull = concat(batch, M, K), bFull = concat(batch, K, N);
        Tensor ae = ac.expand(aFull), bEx = bc.expand(bFull);
        Tensor a3 = as3(ae, B, M, K), b3 = as3(bEx, B, K, N);
        Tensor out = Tensor.empty(ct, a.device(), B, M, N);
        be(a).matmul(a3, b3, out);
        Tensor res = out.detach();
        final Tensor fa = ae, fb = bEx;
        res = record("MatmulBackward", res, (g, n) -> {
            Tensor g3 = g.reshape(B, M, N);
            Tensor ga = null, gb = null;
            if (n[0]) ga = g3.matmul(as3(fb, B, K, N).transpose(1, 2)).reshape(aFull);
            if (n[1]) gb = as3(fa, B, M, K).transpose(1, 2).matmul(g3).reshape(bFull);
            return new Tensor[] {ga, gb};
        }, ae, bEx);
        return res.view(concat(batch, M, N));
    }

    private static int[] concat(int[] batch, int m, int n) {
        int[] r = Arrays.copyOf(batch, batch.length + 2);
        r[batch.length] = m; r[batch.length + 1] = n;
        return r;
    }

    /** A [B, R, C] view of t (batch dims merged) without recording; copies only when the batch dims cannot merge. */
    private static Tensor as3(Tensor t, int B, int R, int C) {
        if (t.dim() == 3) return t.detach();
        int[] st = t.strides(), sh = t.shape();
        int nb = sh.length - 2;
        // batch dims merge when each is either all-zero stride or contiguous with the next
        boolean zero = true;
        for (int i = 0; i < nb; i++) if (sh[i] != 1 && st[i] != 0) zero = false;
        if (zero) return new Tensor(t.storage(), new int[] {B, R, C}, new int[] {0, st[nb], st[nb + 1]}, t.offset());
        int[] vs = Shape.viewStrides(sh, st, new int[] {B, R, C});
        if (vs != null) return new Tensor(t.storage(), new int[] {B, R, C}, vs, t.offset());
        Tensor c = Tensor.empty(t.dtype(), t.device(), sh);
        be(t).copy(t, c);
        return new Tensor(c.storage(), new int[] {B, R, C}, Shape.contiguousStrides(new int[] {B, R, C}), 0);
    }

    // ------------------------------------------------------------------ indexing

    @Override public Tensor indexSelect(Tensor x, int dim, Tensor index) {
        if (index.dim() > 1) throw new IllegalArgumentException("index_select needs a 1-D index, got shape " + Shape.str(index.shape()));
        if (index.dtype() != DType.I64 && index.dtype() != DType.I32) throw new IllegalArgumentException("index_select needs an I64 or I32 index, got " + index.dtype());
        sameDevice("index_select", x, index);
        Tensor idx = index.dim() == 0 ? index.reshape(1) : index;
        int[] os = x.shape();
        os[dim] = idx.size(0);
        Tensor out = Tensor.empty(x.dtype(), x.device(), os);
        be(x).indexSelect(x, dim, idx, out);
        int[] xs = x.shape();
        return record("IndexSelectBackward", out, (g, n) -> {
            Tensor gx = Tensor.zeros(g.dtype(), g.device(), xs);
            be(gx).indexAdd(gx, dim, idx, g.contiguous());
            return new Tensor[] {gx};
        }, x);
    }

    @Override public Tensor gather(Tensor x, int dim, Tensor index) {
        if (index.dim() != x.dim()) throw new IllegalArgumentException("gather: index must have the same rank as the input");
        if (index.dtype() != DType.I64 && index.dtype() != DType.I32) throw new IllegalArgumentException("gather needs an I64 or I32 index, got " + index.dtype());
        for (int d = 0; d < x.dim(); d++)
            if (d != dim && index.size(d) > x.size(d))
                throw new IllegalArgumentException("gather: index " + Shape.str(index.shape()) + " is larger than the input "
                        + Shape.str(x.shape()) + " in dim " + d);
        sameDevice("gather", x, index);
        Tensor out = Tensor.empty(x.dtype(), x.device(), index.shape());
        be(x).gather(x, dim, index, out);
        int[] xs = x.shape();
        return record("GatherBackward", out, (g, n) -> {
            Tensor gx = Tensor.zeros(g.dtype(), g.device(), xs);
            be(gx).scatterAdd(gx, dim, index, g.contiguous());
            return new Tensor[] {gx};
        }, x);
    }

    // ------------------------------------------------------------------ nn primitives

    @Override public Tensor conv(Tensor x, Tensor w, Tensor bias, ConvParams p) {
        return NnPrimitives.conv(x, w, bias, p);
    }

    @Override public Tensor softmax(Tensor x, int dim, boolean log) { return NnPrimitives.softmax(x, dim, log); }

    @Override public Tensor normalize(NormMode mode, Tensor x, int outer, int r, int inner, double eps) {
        return NnPrimitives.normalize(mode, x, outer, r, inner, eps);
    }

    @Override public Tensor interpolate(Tensor x, int[] outSize, InterpMode mode, boolean alignCorners, double[] scales) {
        return NnPrimitives.interpolate(x, outSize, mode, alignCorners, scales);
    }

    @Override public Tensor maxPool(Tensor x, PoolParams p) { return NnPrimitives.maxPool(x, p); }
}
