package ssvae.optim;

import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** torch.optim.Optimizer: parameter groups with their own hyper-parameters, zero_grad and step. */
public abstract class Optimizer {
    protected final List<ParamGroup> groups = new ArrayList<>();
    protected final ParamGroup defaults;
    private final Set<Tensor> all = Collections.newSetFromMap(new IdentityHashMap<>());

    protected Optimizer(List<ParamGroup> groups, ParamGroup defaults) {
        this.defaults = defaults;
        if (groups.isEmpty()) throw new IllegalArgumentException("optimizer got an empty parameter list");
        for (ParamGroup g : groups) addParamGroup(g);
    }

    /** add_param_group: unset hyper-parameters take the defaults; a tensor may be in one group only. */
    public void addParamGroup(ParamGroup g) {
        for (Tensor p : g.params)
            if (all.contains(p)) throw new IllegalArgumentException("some parameters appear in more than one parameter group");
        g.fillFrom(defaults);
        all.addAll(g.params);
        groups.add(g);
    }

    public List<ParamGroup> paramGroups() { return Collections.unmodifiableList(groups); }

    /** zero_grad(set_to_none=True). */
    public void zeroGrad() { zeroGrad(true); }

    public void zeroGrad(boolean setToNone) {
        try (var ng = GradMode.noGrad()) {
            for (ParamGroup g : groups)
                for (Tensor p : g.params) {
                    if (p.grad() == null) continue;
                    if (setToNone) p.setGrad(null);
                    else p.grad().zero_();
                }
        }
    }

    /** One update of every parameter that has a gradient. */
    public abstract void step();
}
