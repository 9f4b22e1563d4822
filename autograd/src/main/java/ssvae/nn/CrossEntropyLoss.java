package ssvae.nn;

import ssvae.tensor.DType;
import ssvae.tensor.Tensor;

/**
 * nn.CrossEntropyLoss with class-index targets and mean reduction: mean_n (logsumexp(logits_n) - logits_n[target_n]),
 * logits [N, C] (or [N, C, *] with targets [N, *]), targets I64/I32 in [0, C).
 */
public final class CrossEntropyLoss extends Module {
    public Tensor forward(Tensor logits, Tensor target) { return crossEntropy(logits, target); }

    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        if (logits.dim() < 2) throw new IllegalArgumentException("cross_entropy expects logits [N, C, *], got rank " + logits.dim());
        if (target.dtype().floating || target.dtype() == DType.BOOL)
            throw new IllegalArgumentException("cross_entropy expects integer class targets, got " + target.dtype());
        if (target.dim() != logits.dim() - 1 || target.size(0) != logits.size(0))
            throw new IllegalArgumentException("cross_entropy: target of shape " + java.util.Arrays.toString(target.shape())
                    + " does not fit logits of shape " + java.util.Arrays.toString(logits.shape()));
        Tensor lse = logits.logsumexp(new int[] {1}, false);
        Tensor picked = logits.gather(1, target.unsqueeze(1)).squeeze(1);
        return lse.sub(picked).mean();
    }
}
