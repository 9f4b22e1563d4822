package ssvae.vae.model;

import ssvae.tensor.F;
import ssvae.tensor.InterpMode;
import ssvae.tensor.Tensor;

import java.util.List;

/**
 * dc_3dvae.ResUpsample3D: x2 upsampling (nearest repeat, or bilinear per frame with spatial_interpolate, or
 * trilinear with temporal_interpolate), a CausalConv3d(k3, 'first') and a DCAE channel-duplicate shortcut.
 * compress_time doubles time except for frame 0 (T -> 2T-1); an image (T = 1) is upsampled in space only.
 */
public final class ResUpsample3D extends Layer {
    final boolean compressTime, spatialInterp, temporalInterp;
    final CausalConv3d conv;
    final Dcae.Duplicate3D dup3;
    final Dcae.Duplicate2D dup2;

    public ResUpsample3D(int in, int out, boolean withConv, boolean compressTime, boolean spatialInterp, boolean temporalInterp, boolean newShuffle) {
        if (!withConv && in != out)
            throw new IllegalArgumentException("resamp_with_conv=false needs equal channels in the upsampler, got " + in + " -> " + out);
        this.compressTime = compressTime;
        this.spatialInterp = spatialInterp;
        this.temporalInterp = temporalInterp;
        conv = withConv ? child("conv", new CausalConv3d(in, out, "first")) : null;
        dup3 = compressTime ? new Dcae.Duplicate3D(in, out, 2, newShuffle) : null;
        dup2 = compressTime ? null : new Dcae.Duplicate2D(in, out, 2, newShuffle);
    }

    @Override public Tensor forward(Tensor x, CausalStream s) {
        Tensor h;
        if (compressTime && temporalInterp && spatialInterp) {
            if (x.size(2) > 1 && s.first()) {
                Tensor first = spatial(x.narrow(2, 0, 1));
                Tensor tri = F.interpolate(x, new double[] {2, 2, 2}, InterpMode.LINEAR, false);
                h = Tensor.cat(List.of(first, tri.narrow(2, 2, tri.size(2) - 2)), 2);
            } else {
                s.requireFirst("temporal_interpolate");
                h = spatial(x).repeatInterleave(2, 2);
                if (s.first()) h = h.narrow(2, 1, h.size(2) - 1);
            }
            if (conv != null) h = conv.forward(h, s);
        } else {
            // nearest in time (frame 0 once in the first chunk, every frame twice otherwise) with the conv's 'first'
            // front frames of the first chunk taken from the same index list, then x2 in space: one full-size copy
            boolean pre = conv != null && s.first();
            h = spatial(x.indexSelect(2, timeIndex(x.size(2), s.first(), pre ? conv.timePad : 0)));
            if (conv != null) h = conv.forward(h, s, pre);
        }
        Tensor sc = compressTime ? dup3.forward(x, s) : dup2.forward(x);
        return Inference.add(h, sc);
    }

    /** Source frames along time: nearest x2 when compressing time (frame 0 once in the first chunk), then front copies of frame 0. */
    private Tensor timeIndex(int t, boolean first, int front) {
        int per = compressTime ? 2 : 1, skip = compressTime && first ? 1 : 0;
        long[] idx = new long[front + t * per - skip];
        int k = front;
        for (int i = 0; i < t; i++) for (int r = 0; r < per; r++) if (i > 0 || r >= skip) idx[k++] = i;
        return Tensor.fromLongs(idx, idx.length);
    }

    /** x2 in H and W: repeat_interleave, or bilinear (align_corners=False) frame by frame. */
    private Tensor spatial(Tensor x) {
        int b = x.size(0), c = x.size(1), t = x.size(2), hh = x.size(3), ww = x.size(4);
        if (!spatialInterp) return x.unsqueeze(4).unsqueeze(6).expand(b, c, t, hh, 2, ww, 2).reshape(b, c, t, 2 * hh, 2 * ww);
        Tensor f = x.permute(0, 2, 1, 3, 4).reshape(b * t, c, hh, ww);
        Tensor u = F.interpolate(f, new double[] {2, 2}, InterpMode.LINEAR, false);
        return u.reshape(b, t, c, 2 * hh, 2 * ww).permute(0, 2, 1, 3, 4);
    }
}
