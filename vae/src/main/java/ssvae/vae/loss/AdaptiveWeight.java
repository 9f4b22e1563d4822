package ssvae.vae.loss;

import ssvae.autograd.Autograd;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.List;

/**
 * GeneralLPIPSWithDiscriminator.calculate_adaptive_weight: the gradients of the NLL and of an auxiliary loss with
 * respect to one layer's weight (torch.autograd.grad with retain_graph, so the graph survives for backward), and
 * clamp(||g_nll|| / (||g_aux|| + 1e-4), 0, max_limit), detached. Null when the auxiliary loss does not reach the layer.
 */
public final class AdaptiveWeight {
    private AdaptiveWeight() {}

    public static Double compute(Tensor nll, Tensor aux, Tensor lastLayer, double maxLimit) {
        if (!lastLayer.requiresGrad())
            throw new IllegalArgumentException("the adaptive weight needs a trainable layer weight (the layer is frozen)");
        Tensor gNll = Autograd.grad(List.of(nll), List.of(lastLayer), null, true, true).get(0);
        Tensor gAux = Autograd.grad(List.of(aux), List.of(lastLayer), null, true, true).get(0);
        if (gAux == null) return null;
        try (var ng = GradMode.noGrad()) {
            double nNll = gNll == null ? 0.0 : gNll.to(ssvae.tensor.DType.F64).norm().item();
            double nAux = gAux.to(ssvae.tensor.DType.F64).norm().item();
            double w = nNll / (nAux + 1e-4);
            if (Double.isNaN(w)) return w;
            return Math.max(0.0, Math.min(maxLimit, w));
        }
    }
}
