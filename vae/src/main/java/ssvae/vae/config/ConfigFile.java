package ssvae.vae.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import ssvae.vae.model.CoderParams;
import ssvae.vae.regularizers.GaussianRegularizer;
import ssvae.vae.regularizers.LatentMasking;
import ssvae.vae.regularizers.LocalCorrelation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads configs in the official SSVAE YAML layout. The official class paths in target: map to our classes;
 * every key under model is checked (an unknown key is an error naming it and the file); --set dotted.key=value
 * overrides are applied before reading (the value is parsed as YAML: 3, 5e-5, true, [2,2,2], rmsnorm).
 */
public final class ConfigFile {
    private static final YAMLMapper YAML = new YAMLMapper();

    static final Set<String> ENGINE_TARGETS = Set.of(
            "ssvae.models.autoencoder.VideoAutoencodingEngine", "ssvae.models.autoencoder.VideoAutoencoderInferenceWrapper",
            "ssvae.models.autoencoder.AutoencodingEngineSSVAE", "ssvae.models.autoencoder.AutoencodingEngine",
            "ssvae.vae.model.VideoAutoencoder");
    static final Set<String> ENCODER_TARGETS = Set.of("ssvae.modules.autoencoding.vae.dc_3dvae.Encoder3D", "ssvae.vae.model.Encoder3D");
    static final Set<String> DECODER_TARGETS = Set.of("ssvae.modules.autoencoding.vae.dc_3dvae.Decoder3D", "ssvae.vae.model.Decoder3D");
    static final Set<String> REGULARIZER_TARGETS = Set.of("ssvae.modules.autoencoding.regularizers.DiagonalGaussianRegularizer",
            "ssvae.vae.regularizers.GaussianRegularizer");
    /** Engine keyword arguments that do not shape the model; kept in engineOptions for the trainer. */
    static final List<String> ENGINE_OPTIONS = List.of("ckpt_path", "ignore_keys", "image_video_weights", "disable_sampling", "input_key",
            "monitor", "ema_decay", "lr_g_factor", "trainable_ae_params", "ae_optimizer_args", "trainable_disc_params",
            "disc_optimizer_args", "disc_start_iter", "diff_boost_factor", "ckpt_engine", "additional_decode_keys", "dtype");

    private ConfigFile() {}

    /** Loads a YAML file and applies the overrides. */
    public static ObjectNode load(Path path, List<String> overrides) {
        String name = path.toString();
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(path));
        } catch (NoSuchFileException e) {
            throw new ConfigException(name, "", "file not found");
        } catch (JsonProcessingException e) {
            throw new ConfigException(name, "", "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(name, "", "cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new ConfigException(name, "", "expected a YAML mapping at the top level");
        ObjectNode obj = (ObjectNode) root;
        for (String o : overrides) applyOverride(obj, o, name);
        return obj;
    }

    /** Reads the model of a config file. */
    public static ModelConfig read(Path path, List<String> overrides) {
        return model(load(path, overrides), path.toString());
    }

    public static ModelConfig read(Path path) { return read(path, List.of()); }

    /** --set a.b.c=value. */
    static void applyOverride(ObjectNode root, String override, String file) {
        int eq = override.indexOf('=');
        if (eq <= 0) throw new ConfigException(file, "", "override '" + override + "' must look like dotted.key=value");
        String key = override.substring(0, eq).trim();
        JsonNode value;
        try {
            value = YAML.readTree(override.substring(eq + 1));
        } catch (JsonProcessingException e) {
            throw new ConfigException(file, key, "override value is not valid YAML: " + e.getOriginalMessage());
        }
        if (value == null || value.isMissingNode()) value = YAML.getNodeFactory().nullNode();
        String[] parts = key.split("\\.");
        JsonNode cur = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = step(cur, parts[i]);
            if (next == null) {
                if (!cur.isObject()) throw new ConfigException(file, key, "cannot set: '" + parts[i] + "' is not in a mapping");
                next = ((ObjectNode) cur).putObject(parts[i]);
            }
            if (!next.isContainerNode()) throw new ConfigException(file, key, "cannot set: '" + parts[i] + "' is a value, not a section");
            cur = next;
        }
        String last = parts[parts.length - 1];
        if (cur.isObject()) ((ObjectNode) cur).set(last, value);
        else {
            ArrayNode a = (ArrayNode) cur;
            int idx = index(last, a.size(), file, key);
            a.set(idx, value);
        }
    }

    private static JsonNode step(JsonNode cur, String part) {
        if (cur.isObject()) return cur.get(part);
        if (cur.isArray()) {
            try { return cur.get(Integer.parseInt(part)); } catch (NumberFormatException e) { return null; }
        }
        return null;
    }

    private static int index(String part, int size, String file, String key) {
        try {
            int i = Integer.parseInt(part);
            if (i >= 0 && i < size) return i;
        } catch (NumberFormatException e) { /* reported below */ }
        throw new ConfigException(file, key, "'" + part + "' is not an index of a list of " + size);
    }

    /** Interprets the model section of a loaded tree; any unknown key under model is an error. */
    public static ModelConfig model(ObjectNode root, String file) {
        Set<String> read = new HashSet<>();
        ConfigNode top = new ConfigNode(root, "", file, read);
        ConfigNode model = top.child("model");
        String target = model.string("target", null);
        if (!ENGINE_TARGETS.contains(target)) throw model.error("target", "unknown model class '" + target + "'; expected one of " + ENGINE_TARGETS);
        model.number("base_learning_rate", 0.0);
        ConfigNode p = model.child("params");

        CoderParams enc = coder(targeted(p, "encoder_config", ENCODER_TARGETS), true);
        CoderParams dec = coder(targeted(p, "decoder_config", DECODER_TARGETS), false);

        ConfigNode reg = targeted(p, "regularizer_config", REGULARIZER_TARGETS);
        boolean sample = reg.bool("sample", true), avgKl = reg.bool("average_kl_loss", false), meanKl = reg.bool("report_mean_klloss", false);
        GaussianRegularizer.LcrConfig lcr = null;
        ConfigNode lc = reg.childOrNull("lcr_config");
        if (lc != null) {
            List<Integer> ws = lc.ints("window_size", null);
            if (ws.size() != 3) throw lc.error("window_size", "needs 3 values [t, h, w], got " + ws);
            LocalCorrelation.Weight w;
            try {
                w = LocalCorrelation.parseWeight(lc.value("weight_type"));
            } catch (IllegalArgumentException e) {
                throw lc.error("weight_type", e.getMessage());
            }
            lcr = new GaussianRegularizer.LcrConfig(ws.stream().mapToInt(Integer::intValue).toArray(), w, lc.bool("ac_renorm", true));
        }

        LatentMasking lmr = null;
        ConfigNode lm = p.childOrNull("lmr_config");
        if (lm != null) lmr = lmr(lm);

        double[] mean = null, std = null;
        if (p.has("mean") || p.has("std")) {
            mean = p.numbers("mean", null).stream().mapToDouble(Double::doubleValue).toArray();
            std = p.numbers("std", null).stream().mapToDouble(Double::doubleValue).toArray();
            if (mean.length != dec.zChannels()) throw p.error("mean", "needs " + dec.zChannels() + " values (z_channels), got " + mean.length);
            if (std.length != dec.zChannels()) throw p.error("std", "needs " + dec.zChannels() + " values (z_channels), got " + std.length);
            for (double s : std) if (!(s > 0)) throw p.error("std", "values must be positive, got " + s);
        } else {
            p.value("mean");
            p.value("std");
        }

        Map<String, Object> opts = new LinkedHashMap<>();
        for (String k : ENGINE_OPTIONS) {
            Object v = p.value(k);
            if (v != null) opts.put(k, v);
        }
        JsonNode loss = p.raw("loss_config"), sched = p.raw("scheduler_config"), optim = p.raw("optimizer_config");
        JsonNode lightning = top.raw("lightning"), data = top.raw("data");

        List<String> unknown = top.unread();
        if (!unknown.isEmpty()) throw new ConfigException(file, unknown.get(0), "unknown key" + (unknown.size() > 1 ? " (also unknown: " + unknown.subList(1, unknown.size()) + ")" : ""));
        return new ModelConfig(file, target, enc, dec, sample, avgKl, meanKl, lcr, lmr, mean, std, opts, loss, sched, optim, lightning, data);
    }

    private static ConfigNode targeted(ConfigNode p, String k, Set<String> targets) {
        ConfigNode c = p.child(k);
        String t = c.string("target", null);
        if (!targets.contains(t)) throw c.error("target", "unknown class '" + t + "'; expected one of " + targets);
        return c.has("params") ? c.child("params") : emptyParams(c);
    }

    private static ConfigNode emptyParams(ConfigNode c) {
        return new ConfigNode(YAML.createObjectNode(), c.path() + ".params", c.file(), new HashSet<>());
    }

    private static CoderParams coder(ConfigNode c, boolean encoder) {
        CoderParams.Builder b = CoderParams.defaults(encoder);
        b.ch = c.integer("ch", null);
        b.outCh = c.integer("out_ch", null);
        b.chMult = c.ints("ch_mult", b.chMult);
        b.numResBlocks = c.integer("num_res_blocks", null);
        b.numMidBlocks = c.integer("num_mid_blocks", b.numMidBlocks);
        b.temporalUpsample = c.bools("temporal_upsample", b.temporalUpsample);
        b.dropout = c.number("dropout", b.dropout);
        b.resampWithConv = c.bool("resamp_with_conv", b.resampWithConv);
        b.inChannels = c.integer("in_channels", null);
        b.resolution = c.integer("resolution", null);
        b.zChannels = c.integer("z_channels", null);
        b.padMode = c.string("pad_mode", b.padMode);
        b.temporalCompressTimes = c.integer("temporal_compress_times", b.temporalCompressTimes);
        b.norm = c.string("norm", b.norm);
        b.midAttn = c.bool("mid_attn", b.midAttn);
        b.newShuffle = c.bool("new_shuffle", b.newShuffle);
        b.gradientCheckpoint = c.bool("gradient_checkpoint", b.gradientCheckpoint);
        if (encoder) b.freezeEntireEncoder = c.bool("freeze_entire_encoder", false);
        else {
            b.spatialInterpolate = c.bool("spatial_interpolate", false);
            b.temporalInterpolate = c.bool("temporal_interpolate", false);
        }
        String blockKey = encoder ? "down_block" : "up_block";
        if (c.has(blockKey)) {
            String cls = c.string(blockKey, null);
            String want = encoder ? "ResDownSample3D" : "ResUpsample3D";
            if (!cls.endsWith(want)) throw c.error(blockKey, "only " + want + " is supported, got '" + cls + "'");
        } else c.value(blockKey);
        // keyword arguments the official classes accept and ignore
        c.value("double_z");
        c.value("attn_resolutions");
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(c.file(), c.path(), e.getMessage());
        }
    }

    private static LatentMasking lmr(ConfigNode c) {
        List<Double> ratios = c.numbers("mask_ratios", List.of(0.0, 0.25, 0.5, 0.75));
        Map<Integer, List<Double>> probs = c.intKeyedNumbers("mask_probs");
        Map<Integer, List<Double>> blocks = c.intKeyedNumbers("block_sizes");
        Map<Integer, double[]> p = new LinkedHashMap<>();
        if (probs == null) { p.put(256, new double[] {0.7, 0.1, 0.1, 0.1}); p.put(512, new double[] {0.6, 0.1, 0.15, 0.15}); }
        else probs.forEach((k, v) -> p.put(k, v.stream().mapToDouble(Double::doubleValue).toArray()));
        Map<Integer, int[]> b = new LinkedHashMap<>();
        if (blocks == null) { b.put(256, new int[] {1, 1, 1}); b.put(512, new int[] {2, 2, 2}); }
        else for (var e : blocks.entrySet()) {
            int[] v = new int[e.getValue().size()];
            for (int i = 0; i < v.length; i++) {
                double x = e.getValue().get(i);
                if (x != Math.rint(x)) throw c.error("block_sizes", "values must be integers, got " + x);
                v[i] = (int) x;
            }
            b.put(e.getKey(), v);
        }
        try {
            return new LatentMasking(ratios, p, b);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(c.file(), c.path(), e.getMessage());
        }
    }
}
