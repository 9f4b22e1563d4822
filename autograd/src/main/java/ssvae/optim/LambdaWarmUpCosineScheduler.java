package ssvae.optim;

import java.util.function.IntToDoubleFunction;

/**
 * The ldm / SSVAE lr multiplier (ssvae/lr_scheduler.py LambdaWarmUpCosineScheduler, meant for base lr 1):
 * f(n) = (lr_max - lr_start) / warm_up_steps * n + lr_start for n < warm_up_steps, then
 * lr_min + 0.5 (lr_max - lr_min) (1 + cos(pi min(1, (n - warm_up_steps) / (max_decay_steps - warm_up_steps)))).
 * The official trainer sets lr_max to the learning rate and uses LambdaLR with f(n) / learning_rate.
 */
public final class LambdaWarmUpCosineScheduler implements IntToDoubleFunction {
    public final double warmUpSteps, lrMin, lrStart, maxDecaySteps;
    private double lrMax;
    private double lastLr;

    public LambdaWarmUpCosineScheduler(double warmUpSteps, double lrMin, double lrMax, double lrStart, double maxDecaySteps) {
        this.warmUpSteps = warmUpSteps;
        this.lrMin = lrMin;
        this.lrMax = lrMax;
        this.lrStart = lrStart;
        this.maxDecaySteps = maxDecaySteps;
    }

    /** The official code overwrites lr_max with the configured learning rate. */
    public void setLrMax(double v) { lrMax = v; }
    public double lrMax() { return lrMax; }
    public double lastLr() { return lastLr; }

    public double schedule(int n) {
        double lr;
        if (n < warmUpSteps) {
            lr = (lrMax - lrStart) / warmUpSteps * n + lrStart;
        } else {
            double t = Math.min((n - warmUpSteps) / (maxDecaySteps - warmUpSteps), 1.0);
            lr = lrMin + 0.5 * (lrMax - lrMin) * (1 + Math.cos(t * Math.PI));
        }
        lastLr = lr;
        return lr;
    }

    @Override public double applyAsDouble(int n) { return schedule(n); }
}
