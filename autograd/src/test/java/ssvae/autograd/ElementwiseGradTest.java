package ssvae.autograd;

import org.junit.jupiter.api.Test;
import ssvae.tensor.BinaryOp;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.PadMode;
import ssvae.tensor.Tensor;
import ssvae.tensor.UnaryOp;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * F64 finite-difference checks (GradCheck: eps 1e-6, atol 1e-5, rtol 1e-3) of every differentiable UnaryOp and
 * BinaryOp, views, reductions, matmul and indexing, on contiguous, broadcast, strided and non-contiguous inputs.
 */
class ElementwiseGradTest {
    final Generator g = new Generator(31);

    /** A leaf whose values avoid the kinks of abs/relu/clamp/floor and stay in the domain of log/sqrt/pow when positive. */
    Tensor leaf(boolean positive, int... shape) {
        Tensor t = Tensor.uniform(g, 0.3, 1.7, DType.F64, Device.CPU, shape);
        if (!positive) {
            Tensor sign = Tensor.bernoulli(g, 0.5, DType.F64, Device.CPU, shape).mul(2).sub(1);
            t = t.mul(sign);
        }
        return t.detach().requiresGrad(true);
    }

    /** The input layouts: contiguous, transposed view, strided slice, expanded (broadcast) view. */
    List<Function<Tensor, Tensor>> layouts() {
        return List.of(x -> x, x -> x.transpose(0, 1), x -> x.slice(1, 0, 8, 2), x -> x.slice(0, 0, 1).expand(3, 4));
    }

    Tensor base(boolean positive, int layout) {
        return switch (layout) {
            case 0 -> leaf(positive, 3, 4);
            case 1 -> leaf(positive, 4, 3);
            case 2 -> leaf(positive, 3, 8);
            default -> leaf(positive, 3, 4);
        };
    }

    static Tensor applyUnary(UnaryOp op, Tensor x) {
        return switch (op) {
            case NEG -> x.neg(); case EXP -> x.exp(); case LOG -> x.log(); case SQRT -> x.sqrt(); case RSQRT -> x.rsqrt();
            case ABS -> x.abs(); case SIGN -> x.sign(); case SIGMOID -> x.sigmoid(); case TANH -> x.tanh(); case RELU -> x.relu();
            case SILU -> x.silu(); case GELU -> x.gelu(); case GELU_TANH -> x.geluTanh(); case SQUARE -> x.square();
            case RECIPROCAL -> x.reciprocal(); case SIN -> x.sin(); case COS -> x.cos(); case FLOOR -> x.floor();
            case CEIL -> x.ceil(); case ROUND -> x.round(); case LOG1P -> x.log1p(); case EXPM1 -> x.expm1(); case ERF -> x.erf();
            case LEAKY_RELU -> x.leakyRelu(0.2); case AFFINE -> x.mul(-1.5).add(0.25); case POW -> x.pow(2.5);
            case CLAMP -> x.clamp(-0.8, 1.1); case RPOW -> ssvae.tensor.Ops.get().unary(UnaryOp.RPOW, x, 1.7, 0);
            default -> null; // bool results and the derivative helpers are not differentiable
        };
    }

    @Test void everyDifferentiableUnaryOp() {
        int checked = 0;
        for (UnaryOp op : UnaryOp.values()) {
            if (applyUnary(op, Tensor.fromArray(new double[] {1})) == null) continue;
            boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT || op == UnaryOp.POW;
            for (int l = 0; l < 4; l++) {
                Function<Tensor, Tensor> lay = layouts().get(l);
                Tensor x = base(positive, l);
                try {
                    GradCheck.check(in -> applyUnary(op, lay.apply(in.get(0))), List.of(x));
                } catch (AssertionError e) {
                    throw new AssertionError(op + " layout " + l + ": " + e.getMessage(), e);
                }
            }
            checked++;
        }
        assertEquals(28, checked, "number of differentiable unary ops");
    }

    static Tensor applyBinary(BinaryOp op, Tensor a, Tensor b) {
        return switch (op) {
            case ADD -> a.add(b); case SUB -> a.sub(b); case MUL -> a.mul(b); case DIV -> a.div(b); case POW -> a.pow(b);
            case MAX -> a.maximum(b); case MIN -> a.minimum(b); case ATAN2 -> a.atan2(b);
            default -> null;
        };
    }

    @Test void everyDifferentiableBinaryOpWithBroadcastAndLayouts() {
        for (BinaryOp op : BinaryOp.values()) {
            if (op.isComparison()) continue;
            boolean posA = op == BinaryOp.POW;
            for (int l = 0; l < 4; l++) {
                Function<Tensor, Tensor> lay = layouts().get(l);
                Tensor a = base(posA, l);
                Tensor bFull = leaf(false, 3, 4), bRow = leaf(false, 4), bCol = leaf(false, 3, 1);
                try {
                    GradCheck.check(in -> applyBinary(op, lay.apply(in.get(0)), in.get(1)), List.of(a, bFull));
                    GradCheck.check(in -> applyBinary(op, lay.apply(in.get(0)), in.get(1)), List.of(a, bRow));
                    GradCheck.check(in -> applyBinary(op, in.get(1), lay.apply(in.get(0))), List.of(a, bCol));
                } catch (AssertionError e) {
                    throw new AssertionError(op + " layout " + l + ": " + e.getMessage(), e);
                }
            }
        }
    }

    @Test void maximumMinimumTiesSplitTheGradient() {
        Tensor a = Tensor.fromArray(new double[] {1, 2, 3}).requiresGrad(true);
        Tensor b = Tensor.fromArray(new double[] {1, 5, 0}).requiresGrad(true);
        a.maximum(b).sum().backward();
        assertArrayEquals(new double[] {0.5, 0, 1}, a.grad().toDoubleArray(), 0);
        assertArrayEquals(new double[] {0.5, 1, 0}, b.grad().toDoubleArray(), 0);
        a.setGrad(null); b.setGrad(null);
        a.minimum(b).sum().backward();
        assertArrayEquals(new double[] {0.5, 1, 0}, a.grad().toDoubleArray(), 0);
        assertArrayEquals(new double[] {0.5, 0, 1}, b.grad().toDoubleArray(), 0);
    }

    @Test void powWithTensorExponentAndZeroBase() {
        Tensor a = leaf(true, 2, 3), e = leaf(false, 3);
        GradCheck.check(in -> in.get(0).pow(in.get(1)), List.of(a, e));
        // d/de 0^e at e > 0 is 0 (PyTorch masks the log(0)), not NaN
        Tensor z = Tensor.fromArray(new double[] {0, 2}).requiresGrad(true);
        Tensor ex = Tensor.fromArray(new double[] {2, 3}).requiresGrad(true);
        z.pow(ex).sum().backward();
        assertArrayEquals(new double[] {0, 8 * Math.log(2)}, ex.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {0, 12}, z.grad().toDoubleArray(), 1e-12);
    }

    @Test void clampAndLeakyReluGradients() {
        Tensor x = Tensor.fromArray(new double[] {-2, -0.5, 0.5, 2}).requiresGrad(true);
        x.clamp(-1, 1).sum().backward();
        assertArrayEquals(new double[] {0, 1, 1, 0}, x.grad().toDoubleArray(), 0);
        x.setGrad(null);
        x.leakyRelu(0.1).sum().backward();
        assertArrayEquals(new double[] {0.1, 0.1, 1, 1}, x.grad().toDoubleArray(), 1e-15);
        x.setGrad(null);
        x.clampMin(0).sum().backward();
        assertArrayEquals(new double[] {0, 0, 1, 1}, x.grad().toDoubleArray(), 0);
    }

    @Test void viewsGradients() {
        Tensor x = leaf(false, 2, 3, 4);
        GradCheck.check(in -> in.get(0).permute(2, 0, 1).reshape(4, 6).t().slice(0, 1, 6, 2).mul(in.get(0).sum()), List.of(x));
        GradCheck.check(in -> in.get(0).select(1, -1).unsqueeze(0).expand(3, 2, 4).flatten(0, 1), List.of(x));
        GradCheck.check(in -> in.get(0).narrow(2, 1, 2).unflatten(2, 2, 1).squeeze(-1).transpose(0, 2), List.of(x));
        GradCheck.check(in -> Tensor.stack(in.get(0).unbind(1), 0).mul(in.get(0).chunk(2, 2).get(1).sum()), List.of(x));
        GradCheck.check(in -> in.get(0).split(new int[] {1, 3}, 2).get(1).contiguous().view(-1), List.of(x));
    }

    @Test void reductionGradients() {
        Tensor x = leaf(false, 3, 4, 5);
        Tensor xt = leaf(false, 5, 4, 3);
        for (int[] dims : new int[][] {{0}, {1}, {2}, {0, 2}, {0, 1, 2}}) {
            for (boolean keep : new boolean[] {false, true}) {
                GradCheck.check(in -> in.get(0).sum(dims, keep), List.of(x));
                GradCheck.check(in -> in.get(0).mean(dims, keep), List.of(x));
                GradCheck.check(in -> in.get(0).permute(2, 1, 0).prod(dims, keep), List.of(xt));
                GradCheck.check(in -> in.get(0).amax(dims, keep), List.of(x));
                GradCheck.check(in -> in.get(0).permute(2, 1, 0).amin(dims, keep), List.of(xt));
                GradCheck.check(in -> in.get(0).var(dims, true, keep), List.of(x));
                GradCheck.check(in -> in.get(0).std(dims, false, keep), List.of(x));
                GradCheck.check(in -> in.get(0).logsumexp(dims, keep), List.of(x));
                for (double p : new double[] {1, 2, 3, Double.POSITIVE_INFINITY})
                    GradCheck.check(in -> in.get(0).norm(p, dims, keep), List.of(x));
            }
        }
    }

    @Test void prodWithZerosAndAmaxTies() {
        Tensor x = Tensor.fromArray(new double[] {2, 0, 3, 0, 0, 5, 1, 2, 4}, 3, 3).requiresGrad(true);
        x.prod(new int[] {1}, false).sum().backward();
        // row 0 has one zero: only the zero gets prod of the others; row 1 has two zeros: all 0; row 2 none
        assertArrayEquals(new double[] {0, 6, 0, 0, 0, 0, 8, 4, 2}, x.grad().toDoubleArray(), 1e-12);
        GradCheck.check(in -> in.get(0).prod(new int[] {0}, true), List.of(Tensor.fromArray(new double[] {2, 0, 3, 0.5, 1.5, 5}, 3, 2).requiresGrad(true)));
        Tensor t = Tensor.fromArray(new double[] {1, 3, 3, 2}).requiresGrad(true);
        t.amax(null, false).backward();
        assertArrayEquals(new double[] {0, 0.5, 0.5, 0}, t.grad().toDoubleArray(), 0, "amax splits evenly among ties");
    }

    @Test void matmulGradients() {
        Tensor a = leaf(false, 2, 3, 4), b = leaf(false, 4, 5), c = leaf(false, 2, 1, 5, 3), v = leaf(false, 4), w = leaf(false, 3);
        GradCheck.check(in -> in.get(0).matmul(in.get(1)), List.of(a, b));
        GradCheck.check(in -> in.get(0).matmul(in.get(1)).matmul(in.get(2)), List.of(a, b, c));
        GradCheck.check(in -> in.get(0).matmul(in.get(1)), List.of(a, v));
        GradCheck.check(in -> in.get(1).matmul(in.get(0)), List.of(a, w));
        GradCheck.check(in -> in.get(0).matmul(in.get(0)), List.of(v));
        GradCheck.check(in -> in.get(0).transpose(1, 2).matmul(in.get(1).t().slice(0, 0, 5, 2).t().transpose(0, 1).t()), List.of(a, leaf(false, 3, 5)));
    }

    @Test void catIndexGatherWhereFlipPadRepeat() {
        Tensor a = leaf(false, 2, 3), b = leaf(false, 2, 2), c = leaf(false, 4, 5);
        GradCheck.check(in -> Tensor.cat(List.of(in.get(0), in.get(1).t(), in.get(0)), 1), List.of(a, leaf(false, 4, 2)));
        GradCheck.check(in -> Tensor.cat(List.of(in.get(0), in.get(1)), -1).exp(), List.of(a, b));
        Tensor idx = Tensor.fromLongs(new long[] {3, 0, 3, -1});
        GradCheck.check(in -> in.get(0).indexSelect(0, idx), List.of(c));
        GradCheck.check(in -> in.get(0).t().indexSelect(1, idx), List.of(c));
        Tensor gi = Tensor.fromLongs(new long[] {0, 4, 4, 1, 2, 2}, 2, 3);
        GradCheck.check(in -> in.get(0).gather(1, gi), List.of(c));
        GradCheck.check(in -> in.get(0).t().gather(0, Tensor.fromLongs(new long[] {3, 3, 0, 1}, 1, 4)), List.of(c));
        Tensor cond = Tensor.fromBools(new boolean[] {true, false, true}, 3);
        GradCheck.check(in -> Tensor.where(cond, in.get(0), in.get(1)), List.of(a, leaf(false, 2, 1)));
        GradCheck.check(in -> in.get(0).maskedFill(cond, 2.5), List.of(a));
        GradCheck.check(in -> in.get(0).flip(0, 1).t(), List.of(c));
        for (PadMode m : PadMode.values()) {
            GradCheck.check(in -> in.get(0).unsqueeze(0).pad(new int[] {2, 1, 1, 3, 1, 0}, m, 0.5), List.of(leaf(false, 2, 4, 5)));
            GradCheck.check(in -> in.get(0).t().pad(new int[] {-1, 2}, m, 0), List.of(c));
        }
        GradCheck.check(in -> in.get(0).repeat(2, 1, 3), List.of(a));
        GradCheck.check(in -> in.get(0).t().repeat(2, 2), List.of(a));
        GradCheck.check(in -> in.get(0).repeatInterleave(3, 0), List.of(a));
        GradCheck.check(in -> in.get(0).t().repeatInterleave(2, 1), List.of(a));
    }

    @Test void mixedPrecisionInputsGetGradientsInTheirOwnDtype() {
        Tensor a = Tensor.fromArray(new float[] {1, 2}).requiresGrad(true);
        Tensor b = Tensor.fromArray(new double[] {3, 4}).requiresGrad(true);
        Tensor y = a.mul(b);
        assertEquals(DType.F64, y.dtype());
        y.sum().backward();
        assertEquals(DType.F32, a.grad().dtype());
        assertArrayEquals(new double[] {3, 4}, a.grad().toDoubleArray(), 0);
        assertArrayEquals(new double[] {1, 2}, b.grad().toDoubleArray(), 0);
    }
}
