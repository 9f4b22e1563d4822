package ssvae.vae.model;

import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;
import ssvae.vae.regularizers.GaussianRegularizer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small configs covering every block type and option, random weights shared by the model and the F64 reference. */
final class ParityFixtures {
    private ParityFixtures() {}

    static CoderParams.Builder base(boolean enc, int ch, List<Integer> mult, List<Boolean> tu, String norm) {
        CoderParams.Builder b = CoderParams.defaults(enc);
        b.ch = ch; b.chMult = mult; b.temporalUpsample = tu; b.norm = norm; b.zChannels = 4; b.numResBlocks = 1;
        return b;
    }

    /** A: rmsnorm, 'first' padding, two temporal levels, nin shortcuts, encoder mid [res, res, attn] (num_res_blocks = 1). */
    static CoderParams[] configA() {
        var e = base(true, 8, List.of(1, 2, 2), List.of(true, true), "rmsnorm");
        var d = base(false, 8, List.of(1, 2, 2), List.of(true, true), "rmsnorm");
        return new CoderParams[] {e.build(), d.build()};
    }

    /** B: groupnorm, 'constant' padding, spatial-only resampling, 3 mid blocks, bilinear upsampling, new_shuffle. */
    static CoderParams[] configB() {
        var e = base(true, 32, List.of(1, 1), List.of(false), "groupnorm");
        e.padMode = "constant"; e.numResBlocks = 2; e.numMidBlocks = 3;
        var d = base(false, 32, List.of(1, 1), List.of(false), "groupnorm");
        d.padMode = "constant"; d.numResBlocks = 2; d.numMidBlocks = 3; d.spatialInterpolate = true; d.newShuffle = true;
        return new CoderParams[] {e.build(), d.build()};
    }

    /** C: layernorm, decreasing widths (average group 16, duplicate repeats 16), new_shuffle, trilinear temporal upsampling. */
    static CoderParams[] configC() {
        var e = base(true, 8, List.of(2, 1), List.of(true), "layernorm");
        e.newShuffle = true;
        var d = base(false, 8, List.of(2, 1), List.of(true), "layernorm");
        d.newShuffle = true; d.spatialInterpolate = true; d.temporalInterpolate = true;
        return new CoderParams[] {e.build(), d.build()};
    }

    /** D: rmsnorm, a 2-D then a 3-D downsample (groups 2 and 4), duplicate repeats 4 and 2, no mid attention, bilinear. */
    static CoderParams[] configD() {
        var e = base(true, 8, List.of(1, 2, 4), List.of(false, true), "rmsnorm");
        e.midAttn = false;
        var d = base(false, 8, List.of(1, 2, 4), List.of(true, false), "rmsnorm");
        d.midAttn = false; d.spatialInterpolate = true;
        return new CoderParams[] {e.build(), d.build()};
    }

    static VideoAutoencoder model(CoderParams[] p) {
        return new VideoAutoencoder(p[0], p[1], new GaussianRegularizer(false, false, true, null), null, null, null);
    }

    /**
     * Allocates m in F32 and overwrites every parameter with seeded random values (norm scales around 1, the zero-init
     * attention projection included, so no path is silently zero). Returns the same values in F64 for the reference.
     */
    static Map<String, Ref.A> randomise(Block m, long seed) {
        m.allocate(DType.F32, Device.CPU, new Generator(seed));
        Random r = new Random(seed);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        Map<String, Ref.A> ref = new LinkedHashMap<>();
        for (var e : m.namedParams().entrySet()) {
            int[] s = e.getValue().shape();
            int n = (int) e.getValue().numel();
            boolean scale = e.getKey().endsWith("gamma") || (e.getKey().endsWith(".weight") && s.length == 1);
            int fan = n / s[0];
            double bound = scale ? 0.3 : 1.0 / Math.sqrt(Math.max(fan, 1));
            float[] f = new float[n];
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) ((scale ? 1 : 0) + bound * (2 * r.nextDouble() - 1));
                d[i] = f[i];
            }
            sd.put(e.getKey(), Tensor.fromArray(f, s));
            ref.put(e.getKey(), new Ref.A(d, s));
        }
        m.loadStateDict(sd, true);
        return ref;
    }

    /** A random F32 input in [-1, 1] and its F64 copy. */
    static Object[] input(long seed, int... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (int s : shape) n *= s;
        float[] f = new float[n];
        double[] d = new double[n];
        for (int i = 0; i < n; i++) { f[i] = (float) (2 * r.nextDouble() - 1); d[i] = f[i]; }
        return new Object[] {Tensor.fromArray(f, shape), new Ref.A(d, shape)};
    }

    /** max |a - ref| / max |ref| (0 when both are all zero); shapes must agree. */
    static double relErr(Tensor a, Ref.A ref) {
        if (!java.util.Arrays.equals(a.shape(), ref.s))
            throw new AssertionError("shape " + java.util.Arrays.toString(a.shape()) + " vs reference " + java.util.Arrays.toString(ref.s));
        double[] x = a.contiguous().toDoubleArray();
        double num = 0, den = 0;
        for (int i = 0; i < x.length; i++) {
            num = Math.max(num, Math.abs(x[i] - ref.d[i]));
            den = Math.max(den, Math.abs(ref.d[i]));
        }
        return den == 0 ? num : num / den;
    }

    static Ref.A toRef(Tensor t) { return new Ref.A(t.contiguous().to(DType.F64).toDoubleArray(), t.shape()); }
}
