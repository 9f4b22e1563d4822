package ssvae.optim;

import ssvae.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of optimizer.param_groups: its parameters and its own hyper-parameters. Values left unset (NaN /
 * null) take the optimizer's defaults when the group is added. initialLr is set by schedulers ("initial_lr").
 */
public final class ParamGroup {
    public final List<Tensor> params;
    public double lr = Double.NaN, beta1 = Double.NaN, beta2 = Double.NaN, eps = Double.NaN, weightDecay = Double.NaN;
    public Boolean amsgrad;
    public double initialLr = Double.NaN;

    public ParamGroup(List<Tensor> params) {
        if (params == null || params.isEmpty()) throw new IllegalArgumentException("a parameter group needs at least one parameter");
        for (Tensor p : params) {
            if (p == null) throw new IllegalArgumentException("parameter group holds a null tensor");
            if (!p.isLeaf()) throw new IllegalArgumentException("optimizer can only optimize leaf tensors, got " + p);
        }
        this.params = List.copyOf(params);
    }

    public ParamGroup lr(double v) { lr = v; return this; }
    public ParamGroup betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
    public ParamGroup eps(double v) { eps = v; return this; }
    public ParamGroup weightDecay(double v) { weightDecay = v; return this; }
    public ParamGroup amsgrad(boolean v) { amsgrad = v; return this; }

    void fillFrom(ParamGroup d) {
        if (Double.isNaN(lr)) lr = d.lr;
        if (Double.isNaN(beta1)) beta1 = d.beta1;
        if (Double.isNaN(beta2)) beta2 = d.beta2;
        if (Double.isNaN(eps)) eps = d.eps;
        if (Double.isNaN(weightDecay)) weightDecay = d.weightDecay;
        if (amsgrad == null) amsgrad = d.amsgrad;
        check();
    }

    private void check() {
        if (!(lr >= 0)) throw new IllegalArgumentException("invalid learning rate: " + lr);
        if (!(eps >= 0)) throw new IllegalArgumentException("invalid epsilon value: " + eps);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("invalid beta parameter at index 0: " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("invalid beta parameter at index 1: " + beta2);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("invalid weight_decay value: " + weightDecay);
    }

    /** Defaults holder (all fields set). */
    static ParamGroup defaults(double lr, double b1, double b2, double eps, double wd, boolean amsgrad) {
        ParamGroup g = new ParamGroup();
        g.lr = lr; g.beta1 = b1; g.beta2 = b2; g.eps = eps; g.weightDecay = wd; g.amsgrad = amsgrad;
        g.check();
        return g;
    }

    private ParamGroup() { this.params = new ArrayList<>(); }
}
