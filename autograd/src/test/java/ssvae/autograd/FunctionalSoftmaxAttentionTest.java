package ssvae.autograd;

import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.F;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static ssvae.autograd.FunctionalTesting.*;

/** F.softmax, F.log_softmax and F.scaled_dot_product_attention: PyTorch values and F64 gradient checks. */
class FunctionalSoftmaxAttentionTest {
    final Generator g = new Generator(101);

    @Test void logSoftmaxOfOneTwoThree() {
        // torch.log_softmax(tensor([1., 2., 3.]), 0) = [-2.4076, -1.4076, -0.4076]
        double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        assertValues(new double[] {1 - lse, 2 - lse, 3 - lse}, F.logSoftmax(f64(new double[] {1, 2, 3}, 3), 0), 1e-14);
        assertValues(new double[] {0.09003057317038046, 0.24472847105479767, 0.6652409557748219}, F.softmax(f64(new double[] {1, 2, 3}, 3), -1), 1e-15);
    }

    @Test void softmaxGradientsAlongEveryDimAndOnViews() {
        Tensor x = GradCheck.leaf(g, 3, 4, 5);
        for (int d = -3; d < 3; d++) {
            int dim = d;
            GradCheck.check(in -> F.softmax(in.get(0), dim), List.of(x));
            GradCheck.check(in -> F.logSoftmax(in.get(0), dim), List.of(x));
        }
        GradCheck.check(in -> F.softmax(in.get(0).transpose(0, 2).mul(3), 1), List.of(x));
        GradCheck.check(in -> F.logSoftmax(in.get(0).slice(2, 0, 5, 2), -1), List.of(x));
    }

    @Test void softmaxF32MatchesF64() {
        Tensor x = Tensor.randn(g, DType.F64, Device.CPU, 3, 17, 5);
        for (int d = 0; d < 3; d++) {
            int dim = d;
            f32MatchesF64("softmax dim " + d, x, t -> F.softmax(t, dim), 1e-6);
            f32MatchesF64("log_softmax dim " + d, x, t -> F.logSoftmax(t, dim), 1e-5);
        }
    }

    private static Tensor reference(Tensor q, Tensor k, Tensor v, Tensor additive) {
        Tensor s = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(q.size(-1)));
        if (additive != null) s = s.add(additive);
        return F.softmax(s, -1).matmul(v);
    }

    @Test void attentionMasksAndCausal() {
        Tensor q = Tensor.randn(g, DType.F64, Device.CPU, 2, 3, 4), k = Tensor.randn(g, DType.F64, Device.CPU, 2, 5, 4), v = Tensor.randn(g, DType.F64, Device.CPU, 2, 5, 6);
        // additive mask and the unmasked reference
        Tensor add = Tensor.randn(g, DType.F64, Device.CPU, 3, 5);
        assertValues(reference(q, k, v, add).toDoubleArray(), F.scaledDotProductAttention(q, k, v, add, false, null), 1e-12);
        assertValues(reference(q, k, v, null).toDoubleArray(), F.scaledDotProductAttention(q, k, v, null, false, null), 1e-12);
        // a bool mask that lets every query see only key 2 returns v[:, 2] for every query
        boolean[] only2 = new boolean[15];
        for (int i = 0; i < 3; i++) only2[i * 5 + 2] = true;
        Tensor out = F.scaledDotProductAttention(q, k, v, Tensor.fromBools(only2, 3, 5), false, null);
        Tensor v2 = v.narrow(1, 2, 1).expand(2, 3, 6);
        assertValues(v2.contiguous().toDoubleArray(), out, 1e-12);
        // causal (top-left aligned tril): query 0 sees key 0 only
        Tensor c = F.scaledDotProductAttention(q, k, v, null, true, null);
        assertValues(v.narrow(1, 0, 1).contiguous().toDoubleArray(), c.narrow(1, 0, 1), 1e-12);
        double[] tril = new double[15];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 5; j++) tril[i * 5 + j] = j <= i ? 0 : Double.NEGATIVE_INFINITY;
        assertValues(reference(q, k, v, f64(tril, 3, 5)).toDoubleArray(), c, 1e-12);
        // explicit scale
        Tensor sc = F.scaledDotProductAttention(q, k, v, null, false, 0.25);
        assertValues(F.softmax(q.matmul(k.transpose(-2, -1)).mul(0.25), -1).matmul(v).toDoubleArray(), sc, 1e-12);
    }

    @Test void attentionGradients() {
        Tensor q = GradCheck.leaf(g, 2, 3, 4), k = GradCheck.leaf(g, 2, 4, 4), v = GradCheck.leaf(g, 2, 4, 3);
        boolean[] m = {true, false, true, true, true, true, false, true, false, true, true, true};
        Tensor bool = Tensor.fromBools(m, 3, 4);
        Tensor add = Tensor.randn(g, DType.F64, Device.CPU, 2, 1, 4);
        GradCheck.check(in -> F.scaledDotProductAttention(in.get(0), in.get(1), in.get(2), bool, false, null), List.of(q, k, v));
        GradCheck.check(in -> F.scaledDotProductAttention(in.get(0), in.get(1), in.get(2), add, false, null), List.of(q, k, v));
        GradCheck.check(in -> F.scaledDotProductAttention(in.get(0), in.get(1), in.get(2), null, true, null), List.of(q, k, v));
        Tensor am = GradCheck.leaf(g, 3, 4);
        GradCheck.check(in -> F.scaledDotProductAttention(q.detach(), k.detach(), v.detach(), in.get(0), false, null), List.of(am));
    }
}
