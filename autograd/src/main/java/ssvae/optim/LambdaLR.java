package ssvae.optim;

import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * torch.optim.lr_scheduler.LambdaLR: lr = initial_lr * lambda(last_epoch). Construction performs the initial
 * step (last_epoch 0), as PyTorch does, so the lr is initial_lr * lambda(0) before the first optimizer step.
 */
public final class LambdaLR implements LRScheduler {
    private final Optimizer opt;
    private final List<IntToDoubleFunction> lambdas;
    private final double[] baseLrs;
    private int lastEpoch = -1;
    private double[] last;

    public LambdaLR(Optimizer opt, IntToDoubleFunction lambda) { this(opt, java.util.Collections.nCopies(opt.paramGroups().size(), lambda)); }

    /** One lambda per parameter group. */
    public LambdaLR(Optimizer opt, List<IntToDoubleFunction> lambdas) {
        if (lambdas.size() != opt.paramGroups().size())
            throw new IllegalArgumentException("expected " + opt.paramGroups().size() + " lr_lambdas, but got " + lambdas.size());
        this.opt = opt;
        this.lambdas = List.copyOf(lambdas);
        List<ParamGroup> gs = opt.paramGroups();
        baseLrs = new double[gs.size()];
        for (int i = 0; i < gs.size(); i++) {
            ParamGroup g = gs.get(i);
            if (Double.isNaN(g.initialLr)) g.initialLr = g.lr;
            baseLrs[i] = g.initialLr;
        }
        step();
    }

    @Override public void step() {
        lastEpoch++;
        List<ParamGroup> gs = opt.paramGroups();
        last = new double[gs.size()];
        for (int i = 0; i < gs.size(); i++) {
            gs.get(i).lr = baseLrs[i] * lambdas.get(i).applyAsDouble(lastEpoch);
            last[i] = gs.get(i).lr;
        }
    }

    @Override public double[] lastLr() { return last.clone(); }
    @Override public int lastEpoch() { return lastEpoch; }

    /** Resumes at a given epoch (state_dict's last_epoch): sets the lrs for that epoch. */
    public void setLastEpoch(int epoch) {
        lastEpoch = epoch - 1;
        step();
    }
}
