package ssvae.optim;

import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.List;

/** torch.nn.utils.clip_grad_norm_. */
public final class ClipGrad {
    private ClipGrad() {}

    /** clip_grad_norm_(params, maxNorm) with the 2-norm. */
    public static double clipGradNorm(List<Tensor> params, double maxNorm) { return clipGradNorm(params, maxNorm, 2.0); }

    /**
     * Total norm of all gradients taken together (the norm of the per-tensor norms; normType 2, any p > 0 or
     * +inf); every gradient is multiplied by min(maxNorm / (total + 1e-6), 1). Returns the total norm before
     * clipping. Parameters without a gradient are skipped; with none, returns 0.
     */
    public static double clipGradNorm(List<Tensor> params, double maxNorm, double normType) {
        try (var ng = GradMode.noGrad()) {
            double total = 0;
            boolean inf = Double.isInfinite(normType);
            boolean any = false;
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                any = true;
                double n = g.norm(normType, null, false).item();
                total = inf ? Math.max(total, n) : total + Math.pow(n, normType);
            }
            if (!any) return 0;
            if (!inf) total = Math.pow(total, 1.0 / normType);
            double coef = Math.min(maxNorm / (total + 1e-6), 1.0);
            for (Tensor p : params) if (p.grad() != null) p.grad().mul_(coef);
            return total;
        }
    }
}
