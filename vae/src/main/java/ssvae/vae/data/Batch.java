package ssvae.vae.data;

import ssvae.tensor.Tensor;

import java.util.List;

/** A training batch: x is F32 [B, 3, T, H, W] in [-1, 1] (T = 1 for images); sources name each sample. */
public record Batch(boolean image, Tensor x, List<String> sources) {
    public static Batch of(boolean image, List<Clip> clips) {
        return new Batch(image, Clip.batch(clips), clips.stream().map(Clip::source).toList());
    }
}
