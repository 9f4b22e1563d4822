package ssvae.nn;

import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

/**
 * torch.nn.utils.spectral_norm (the hook version): the parameter "weight" becomes "weight_orig", buffers
 * "weight_u" [h] and "weight_v" [w] hold the power-iteration vectors of W = weight_orig viewed as [h, w] with
 * dim first, and the module's "weight" is computed on each access as weight_orig / sigma, sigma = u^T W v with
 * u, v treated as constants. In training each access first runs nPowerIterations steps
 * v = normalize(W^T u), u = normalize(W v) (no grad, in place on the buffers); in eval no iteration runs.
 * u and v start as normalize(N(0, 1)) draws from the given generator; normalize(x) = x / max(||x||, eps).
 * State-dict order follows PyTorch: weight_orig is re-registered after the module's other parameters.
 */
public final class SpectralNorm {
    private SpectralNorm() {}

    public static <M extends Module> M apply(M module, Generator g) { return apply(module, "weight", 1, 1e-12, 0, g); }

    public static <M extends Module> M apply(M module, String name, int nPowerIterations, double eps, int dim, Generator g) {
        if (nPowerIterations < 0) throw new IllegalArgumentException("spectral_norm: n_power_iterations must be >= 0, got " + nPowerIterations);
        Tensor w = module.param(name);
        if (dim < 0 || dim >= w.dim()) throw new IllegalArgumentException("spectral_norm: dim " + dim + " out of range for weight of rank " + w.dim());
        module.removeParameter(name);
        Tensor mat = toMatrix(w.detach(), dim);
        Tensor u, v;
        try (var ng = GradMode.noGrad()) {
            u = normalize(Tensor.normal(g, 0, 1, w.dtype(), w.device(), mat.size(0)), eps);
            v = normalize(Tensor.normal(g, 0, 1, w.dtype(), w.device(), mat.size(1)), eps);
        }
        module.registerParameter(name + "_orig", w);
        module.registerBuffer(name + "_u", u);
        module.registerBuffer(name + "_v", v);
        module.registerComputed(name, () -> computeWeight(module, name, nPowerIterations, eps, dim));
        return module;
    }

    static Tensor normalize(Tensor x, double eps) { return x.div(x.norm().clampMin(eps)); }

    static Tensor toMatrix(Tensor w, int dim) {
        Tensor t = w;
        if (dim != 0) {
            int[] perm = new int[w.dim()];
            perm[0] = dim;
            for (int i = 0, k = 1; i < w.dim(); i++) if (i != dim) perm[k++] = i;
            t = w.permute(perm);
        }
        return t.reshape(t.size(0), -1);
    }

    private static Tensor computeWeight(Module m, String name, int iters, double eps, int dim) {
        Tensor orig = m.param(name + "_orig");
        Tensor mat = toMatrix(orig, dim);
        Tensor u = m.buffer(name + "_u"), v = m.buffer(name + "_v");
        if (m.isTraining() && iters > 0) {
            try (var ng = GradMode.noGrad()) {
                Tensor wm = mat.detach();
                for (int i = 0; i < iters; i++) {
                    v.copy_(normalize(wm.t().matmul(u), eps));
                    u.copy_(normalize(wm.matmul(v), eps));
                }
            }
            u = u.clone().detach();
            v = v.clone().detach();
        }
        Tensor sigma = u.mul(mat.matmul(v)).sum();
        return orig.div(sigma);
    }
}
