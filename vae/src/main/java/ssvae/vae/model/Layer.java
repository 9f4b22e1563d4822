package ssvae.vae.model;

import ssvae.tensor.Tensor;

/** A block with a 5-D video forward pass that may run chunk by chunk along time through a {@link CausalStream}. */
public abstract class Layer extends Block {
    /** Forward of one temporal chunk x [B, C, T, H, W]; a one-pass forward is a stream with a single chunk. */
    public abstract Tensor forward(Tensor x, CausalStream s);
}
