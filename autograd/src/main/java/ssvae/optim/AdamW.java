package ssvae.optim;

import ssvae.tensor.Tensor;

import java.util.List;

/** torch.optim.AdamW: Adam with decoupled weight decay p *= 1 - lr * weight_decay (default 0.01). */
public final class AdamW extends Adam {
    public AdamW(List<Tensor> params, double lr) { this(params, lr, 0.9, 0.999, 1e-8, 0.01, false); }

    public AdamW(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        super(List.of(new ParamGroup(params)), ParamGroup.defaults(lr, beta1, beta2, eps, weightDecay, amsgrad), true);
    }

    /** Several groups; their unset hyper-parameters take these defaults. */
    public static AdamW withGroups(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        return new AdamW(groups, ParamGroup.defaults(lr, beta1, beta2, eps, weightDecay, amsgrad));
    }

    private AdamW(List<ParamGroup> groups, ParamGroup defaults) { super(groups, defaults, true); }
}
