package ssvae.vae.model;

import ssvae.autograd.Checkpoint;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** dc_3dvae.forward_checkpoint: a block's forward under gradient checkpointing (recomputed in backward) when enabled. */
final class Checkpointing {
    private Checkpointing() {}

    static Tensor run(boolean enabled, Layer layer, Tensor h, CausalStream s) {
        if (!enabled || !GradMode.isEnabled() || !layer.training()) return layer.forward(h, s);
        List<Tensor> params = new ArrayList<>();
        for (Param p : layer.namedParams().values()) if (p.allocated()) params.add(p.value());
        return Checkpoint.apply(in -> layer.forward(in.get(0), s), List.of(h), params, Generator.global());
    }
}
