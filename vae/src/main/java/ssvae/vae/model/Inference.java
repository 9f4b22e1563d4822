package ssvae.vae.model;

import ssvae.tensor.Backends;
import ssvae.tensor.BinaryOp;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;
import ssvae.tensor.UnaryOp;

/**
 * Memory-saving elementwise steps for no-grad inference: when no graph is being recorded, the result is written
 * over a freshly computed activation that nothing else references (the caller guarantees that), so a block holds
 * one full-size buffer fewer. With autograd recording they fall back to the ordinary out-of-place ops.
 */
final class Inference {
    private Inference() {}

    private static boolean inPlace(Tensor fresh, Tensor... others) {
        if (GradMode.isEnabled() && fresh.requiresGrad()) return false;
        if (GradMode.isEnabled()) for (Tensor o : others) if (o.requiresGrad()) return false;
        return fresh.isContiguous() && fresh.offset() == 0 && fresh.storage().numel() == fresh.numel();
    }

    /** fresh + o (o broadcast to fresh's shape), in place on fresh when possible. */
    static Tensor add(Tensor fresh, Tensor o) {
        if (!inPlace(fresh, o) || o.dtype() != fresh.dtype() || !broadcastsTo(o, fresh)) return fresh.add(o);
        Backends.get(fresh.device()).binary(BinaryOp.ADD, fresh, o.expand(fresh.shape()), fresh);
        return fresh;
    }

    /** fresh * o (o broadcast to fresh's shape), in place on fresh when possible. */
    static Tensor mul(Tensor fresh, Tensor o) {
        if (!inPlace(fresh, o) || o.dtype() != fresh.dtype() || !broadcastsTo(o, fresh)) return fresh.mul(o);
        Backends.get(fresh.device()).binary(BinaryOp.MUL, fresh, o.expand(fresh.shape()), fresh);
        return fresh;
    }

    /** silu(fresh), in place when possible. */
    static Tensor silu(Tensor fresh) {
        if (!inPlace(fresh)) return fresh.silu();
        Backends.get(fresh.device()).unary(UnaryOp.SILU, fresh, fresh, 0, 0);
        return fresh;
    }

    private static boolean broadcastsTo(Tensor o, Tensor t) {
        if (o.dim() > t.dim()) return false;
        for (int i = 1; i <= o.dim(); i++) {
            int a = o.size(o.dim() - i), b = t.size(t.dim() - i);
            if (a != b && a != 1) return false;
        }
        return true;
    }
}
