package ssvae.vae.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the data pipeline from the official config's {@code data.params.train.params} (IVAlterstepDataset):
 * image_ds_config / video_ds_config ({@code target} + {@code params}: path, image_size, num_frames, fps, seed,
 * shuffle_buffer, meta_names, nshards, include_dirs), image_batch_size, video_batch_size, image_video_weights,
 * sampling_in_dataset, seed. Unknown keys are an error naming the key. A seed of -1 draws one, as officially.
 */
public final class OfficialDataConfig {
    private static final Set<String> TRAIN_KEYS = Set.of("image_ds_config", "video_ds_config", "image_batch_size",
            "video_batch_size", "image_video_weights", "sampling_in_dataset", "seed");
    private static final Set<String> DS_KEYS = Set.of("path", "image_size", "num_frames", "fps", "seed", "shuffle_buffer",
            "meta_names", "nshards", "include_dirs", "inference", "filters");

    private OfficialDataConfig() {}

    /** From a Jackson tree (YAML or JSON). */
    @SuppressWarnings("unchecked")
    public static ImageVideoSampler sampler(JsonNode trainParams, int workers, int depth, SkipStats stats) {
        return sampler(new ObjectMapper().convertValue(trainParams, Map.class), workers, depth, stats);
    }

    public static ImageVideoSampler sampler(Map<String, Object> p, int workers, int depth, SkipStats stats) {
        checkKeys(p, TRAIN_KEYS, "data.params.train.params");
        WebDatasetOptions img = options(dsParams(p, "image_ds_config"), false, workers, depth, "image_ds_config");
        WebDatasetOptions vid = options(dsParams(p, "video_ds_config"), true, workers, depth, "video_ds_config");
        int ib = intValue(p.getOrDefault("image_batch_size", 1), "image_batch_size");
        int vb = intValue(p.getOrDefault("video_batch_size", 1), "video_batch_size");
        double[] w = doubles(p.getOrDefault("image_video_weights", List.of(1, 1)), "image_video_weights");
        long seed = seed(p.getOrDefault("seed", 0));
        Prefetcher<Clip> images = WebDatasets.images(img, stats);
        Prefetcher<Clip> videos = WebDatasets.videos(vid, stats);
        return new ImageVideoSampler(images, videos, ib, vb, w, seed);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> dsParams(Map<String, Object> p, String key) {
        Object ds = p.get(key);
        if (!(ds instanceof Map<?, ?> m)) throw new IllegalArgumentException("data config: " + key + " is missing or not a mapping");
        Object params = ((Map<String, Object>) m).get("params");
        if (!(params instanceof Map<?, ?> pm)) throw new IllegalArgumentException("data config: " + key + ".params is missing or not a mapping");
        return (Map<String, Object>) pm;
    }

    /** One VideoWebDataset / ImageWebDataset params map. */
    public static WebDatasetOptions options(Map<String, Object> p, boolean video, int workers, int depth, String where) {
        checkKeys(p, DS_KEYS, where + ".params");
        Object path = p.get("path");
        if (!(path instanceof String s)) throw new IllegalArgumentException("data config: " + where + ".params.path is missing");
        String include = p.get("include_dirs") instanceof String d && !d.isBlank() ? d : null;
        String pattern = s, dirs = include;
        int semi = s.indexOf(';');
        if (semi >= 0) {
            pattern = s.substring(0, semi);
            String own = s.substring(semi + 1);
            dirs = include == null ? own : own.isBlank() ? include : own + "," + include;
        }
        if (pattern.isBlank() && (dirs == null || dirs.isBlank())) throw new IllegalArgumentException("data config: " + where + ".params.path names no data");
        String spec = dirs == null ? pattern : pattern + ";" + dirs;
        double[] size = doubles(p.get("image_size"), where + ".params.image_size");
        if (size.length != 2) throw new IllegalArgumentException("data config: " + where + ".params.image_size needs [height, width]");
        int frames = video ? intValue(p.getOrDefault("num_frames", 17), where + ".params.num_frames") : 1;
        double[] fps = video ? doubles(p.getOrDefault("fps", 8), where + ".params.fps") : new double[] {8};
        long seed = seed(p.getOrDefault("seed", -1));
        int shuffle = intValue(p.getOrDefault("shuffle_buffer", 1000), where + ".params.shuffle_buffer");
        if (Boolean.TRUE.equals(p.get("inference"))) shuffle = 1;
        return new WebDatasetOptions(spec, (int) size[0], (int) size[1], frames, fps, seed, shuffle, true, workers, depth);
    }

    private static void checkKeys(Map<String, Object> p, Set<String> known, String where) {
        for (String k : p.keySet()) if (!known.contains(k)) throw new IllegalArgumentException("data config: unknown key " + where + "." + k);
    }

    private static long seed(Object v) {
        long s = v instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(v));
        return s == -1 ? new java.util.Random().nextInt(1_000_001) : s;
    }

    private static int intValue(Object v, String where) {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.intValue();
        throw new IllegalArgumentException("data config: " + where + " must be an integer, got " + v);
    }

    private static double[] doubles(Object v, String where) {
        if (v instanceof Number n) return new double[] {n.doubleValue()};
        if (v instanceof List<?> l) {
            double[] d = new double[l.size()];
            for (int i = 0; i < d.length; i++) {
                if (!(l.get(i) instanceof Number n)) throw new IllegalArgumentException("data config: " + where + " must hold numbers, got " + l.get(i));
                d[i] = n.doubleValue();
            }
            return d;
        }
        throw new IllegalArgumentException("data config: " + where + " must be a number or a list of numbers, got " + v);
    }
}
