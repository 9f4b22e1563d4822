package ssvae.vae.lpips;

import ssvae.nn.Conv2d;
import ssvae.nn.Module;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * lpips.LPIPS (the VGG16 variant of richzhang/PerceptualSimilarity as stripped in the official code):
 * x -> (x - shift) / scale, VGG16 features relu1_2, relu2_2, relu3_3, relu4_3, relu5_3 of both inputs, each
 * normalised over channels (x / (sqrt(sum x^2) + 1e-10)), squared difference, a 1x1 conv to one channel
 * (lin0..lin4, no bias), spatial mean, summed over the five layers: [N, 1, 1, 1]. Frozen, always in eval mode.
 * State-dict keys equal the official ones: scaling_layer.shift/scale, net.slice{1..5}.{i}.weight/bias with i
 * torchvision's features index, lin{k}.model.1.weight.
 */
public final class Lpips extends Module {
    static final int[] CHANNELS = {64, 128, 256, 512, 512};
    /** torchvision vgg16.features: conv indices per slice (slices end after relu1_2, relu2_2, relu3_3, relu4_3, relu5_3). */
    static final int[][] SLICE_RANGES = {{0, 4}, {4, 9}, {9, 16}, {16, 23}, {23, 30}};
    static final int[] POOLS = {4, 9, 16, 23};

    private final List<Module> slices = new ArrayList<>();
    private final List<Module> lins = new ArrayList<>();

    /** A randomly initialised LPIPS (load real weights with {@link LpipsWeights}). */
    public Lpips(Generator g) {
        registerModule("scaling_layer", new Scaling());
        Layers.Named net = registerModule("net", new Layers.Named());
        int in = 3;
        int[] convOut = vggConvChannels();
        for (int s = 0; s < 5; s++) {
            Layers.Named slice = new Layers.Named();
            for (int i = SLICE_RANGES[s][0]; i < SLICE_RANGES[s][1]; i++) {
                if (isPool(i)) slice.add(Integer.toString(i), Layers.maxPool());
                else if (convOut[i] > 0) {
                    slice.add(Integer.toString(i), new Conv2d(in, convOut[i], 3, 1, 1, g));
                    in = convOut[i];
                } else slice.add(Integer.toString(i), Layers.relu());
            }
            net.add("slice" + (s + 1), slice);
            slices.add(slice);
        }
        for (int k = 0; k < 5; k++) {
            Layers.Named lin = new Layers.Named();
            Layers.Named model = new Layers.Named();
            model.add("0", Layers.dropoutEval());
            model.add("1", new Conv2d(CHANNELS[k], 1, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1, false, g));
            lin.add("model", model);
            lins.add(registerModule("lin" + k, lin));
        }
        requiresGrad(false);
        eval();
    }

    static boolean isPool(int i) { for (int p : POOLS) if (p == i) return true; return false; }

    /** Output channels of each torchvision features index that is a conv (0 otherwise). */
    static int[] vggConvChannels() {
        int[] out = new int[30];
        int[][] convs = {{0, 64}, {2, 64}, {5, 128}, {7, 128}, {10, 256}, {12, 256}, {14, 256}, {17, 512}, {19, 512}, {21, 512},
                {24, 512}, {26, 512}, {28, 512}};
        for (int[] c : convs) out[c[0]] = c[1];
        return out;
    }

    /** The five feature maps of one (scaled) input. */
    List<Tensor> features(Tensor x) {
        List<Tensor> out = new ArrayList<>(5);
        for (Module s : slices) {
            x = s.forward(x);
            out.add(x);
        }
        return out;
    }

    /** normalize_tensor: x / (sqrt(sum_c x^2) + eps). */
    static Tensor normalizeChannels(Tensor x) {
        return x.div(x.square().sum(new int[] {1}, true).sqrt().add(1e-10));
    }

    /** LPIPS distance of two image batches [N, 3, H, W] in [-1, 1]: [N, 1, 1, 1]. */
    public Tensor distance(Tensor input, Tensor target) {
        if (input.dim() != 4 || input.size(1) != 3 || !java.util.Arrays.equals(input.shape(), target.shape()))
            throw new IllegalArgumentException("LPIPS needs two [N, 3, H, W] inputs of the same shape, got "
                    + ssvae.tensor.Shape.str(input.shape()) + " and " + ssvae.tensor.Shape.str(target.shape()));
        Module scaling = child("scaling_layer");
        List<Tensor> f0 = features(scaling.forward(input)), f1 = features(scaling.forward(target));
        Tensor val = null;
        for (int k = 0; k < 5; k++) {
            Tensor d = normalizeChannels(f0.get(k)).sub(normalizeChannels(f1.get(k))).square();
            Tensor r = lins.get(k).child("model").forward(d).mean(new int[] {2, 3}, true);
            val = val == null ? r : val.add(r);
        }
        return val;
    }

    /** ScalingLayer: buffers shift [1, 3, 1, 1] and scale [1, 3, 1, 1]; forward (x - shift) / scale. */
    static final class Scaling extends Module {
        Scaling() {
            registerBuffer("shift", Tensor.fromArray(new float[] {-0.030f, -0.088f, -0.188f}, 1, 3, 1, 1));
            registerBuffer("scale", Tensor.fromArray(new float[] {0.458f, 0.448f, 0.450f}, 1, 3, 1, 1));
        }

        @Override public Tensor forward(Tensor x) {
            return x.sub(buffer("shift").to(x.dtype())).div(buffer("scale").to(x.dtype()));
        }
    }
}
