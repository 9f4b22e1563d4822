package ssvae.optim;

/** torch.optim.lr_scheduler base: step() advances last_epoch and sets each group's lr. */
public interface LRScheduler {
    void step();

    /** get_last_lr(): the lr of every group after the last step. */
    double[] lastLr();

    /** last_epoch: number of step() calls after construction. */
    int lastEpoch();
}
