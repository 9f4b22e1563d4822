package ssvae.vae.train;

import com.fasterxml.jackson.databind.JsonNode;
import ssvae.tensor.Tensor;
import ssvae.vae.config.ConfigException;
import ssvae.vae.config.ConfigNode;
import ssvae.vae.data.Batch;
import ssvae.vae.data.Clip;
import ssvae.vae.data.ClipLoader;
import ssvae.vae.data.ImageVideoSampler;
import ssvae.vae.data.Prefetcher;
import ssvae.vae.data.SkipStats;
import ssvae.vae.data.SyntheticVideos;
import ssvae.vae.data.WebDatasetOptions;
import ssvae.vae.data.WebDatasets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The data section: data.params.batch_size, data.params.train (ssvae.vae.data.SyntheticVideos, the official
 * VideoWebDataset / ImageWebDataset / IVAlterstepDataset) and data.params.validation, the held-out clips
 * (SyntheticVideos with num_samples, or ssvae.vae.data.VideoFiles: paths, image_size, num_frames, loaded as
 * reconstruction.py does).
 */
public final class DataSettings {
    public static final String SYNTHETIC = "ssvae.vae.data.SyntheticVideos";
    public static final String VIDEO_WDS = "ssvae.data.video_data_wds.VideoWebDataset";
    public static final String IMAGE_WDS = "ssvae.data.video_data_wds.ImageWebDataset";
    public static final String ALTER = "ssvae.data.video_data_wds.IVAlterstepDataset";
    public static final String FILES = "ssvae.vae.data.VideoFiles";

    private final String file;
    private final int batchSize, workers;
    private final JsonNode train, validation;

    private DataSettings(String file, int batchSize, int workers, JsonNode train, JsonNode validation) {
        this.file = file; this.batchSize = batchSize; this.workers = workers; this.train = train; this.validation = validation;
    }

    public static DataSettings read(JsonNode data, String file) {
        if (data == null) throw new ConfigException(file, "data", "missing section (training needs data.params.train)");
        ConfigNode d = ConfigNode.of(data, "data", file);
        d.value("target");
        ConfigNode p = d.child("params");
        int bs = p.integer("batch_size", 1);
        int workers = p.integer("num_workers", 1);
        p.value("prefetch_factor");
        if (bs < 1) throw p.error("batch_size", "must be at least 1");
        JsonNode train = p.raw("train"), val = p.raw("validation");
        if (train == null) throw p.error("train", "missing section");
        TrainSettings.unknown(d, file);
        return new DataSettings(file, bs, Math.max(1, workers), train, val);
    }

    public int batchSize() { return batchSize; }

    /** A fresh training stream (seeded from its config; seedOffset is added to every seed). */
    public DataSource openTrain(long seedOffset) {
        ConfigNode t = ConfigNode.of(train, "data.params.train", file);
        String target = t.string("target", null);
        ConfigNode p = t.child("params");
        DataSource src = switch (target) {
            case SYNTHETIC -> synthetic(p, seedOffset);
            case VIDEO_WDS, IMAGE_WDS -> {
                SkipStats stats = new SkipStats();
                Prefetcher<Clip> clips = webDataset(p, target.equals(IMAGE_WDS), seedOffset, stats);
                yield clipStream(clips, batchSize, stats);
            }
            case ALTER -> alternating(p);
            default -> throw t.error("target", "unknown training dataset '" + target + "'; expected one of " + List.of(SYNTHETIC, VIDEO_WDS, IMAGE_WDS, ALTER));
        };
        TrainSettings.unknown(t, file);
        return src;
    }

    private DataSource synthetic(ConfigNode p, long seedOffset) {
        int[] size = imageSize(p);
        int frames = p.integer("num_frames", 17);
        long seed = p.integer("seed", 0) + seedOffset;
        int bs = batchSize;
        return new DataSource() {
            long pos;
            @Override public Tensor next() {
                List<Clip> cs = new ArrayList<>(bs);
                for (int i = 0; i < bs; i++) cs.add(SyntheticVideos.clip(seed, pos * bs + i, frames, size[0], size[1]));
                pos++;
                return Clip.batch(cs);
            }
            @Override public long position() { return pos; }
            @Override public void skip(long n) { pos += n; }
        };
    }

    private int[] imageSize(ConfigNode p) {
        List<Integer> s = p.ints("image_size", null);
        if (s.size() == 1) return new int[] {s.get(0), s.get(0)};
        if (s.size() != 2) throw p.error("image_size", "needs [height, width]");
        return new int[] {s.get(0), s.get(1)};
    }

    private Prefetcher<Clip> webDataset(ConfigNode p, boolean image, long seedOffset, SkipStats stats) {
        String path = p.string("path", null);
        int[] size = imageSize(p);
        long seed = p.integer("seed", 0) + seedOffset;
        p.value("meta_names");
        WebDatasetOptions o = image ? WebDatasetOptions.image(path, size[0], size[1], seed) : WebDatasetOptions.video(path, size[0], size[1], seed);
        if (!image) {
            o = o.withNumFrames(p.integer("num_frames", 17));
            JsonNode fps = p.raw("fps");
            if (fps != null && fps.isNumber()) o = o.withFps(fps.doubleValue());
            else if (fps != null) {
                if (!fps.isArray() || fps.isEmpty()) throw p.error("fps", "expected a number or a list of numbers");
                double[] f = new double[fps.size()];
                for (int i = 0; i < f.length; i++) f[i] = fps.get(i).asDouble();
                o = o.withFps(f);
            }
        }
        if (p.has("shuffle_buffer")) o = o.withShuffle(p.integer("shuffle_buffer", null));
        o = o.withWorkers(workers, 2 * workers + 2);
        return image ? WebDatasets.images(o, stats) : WebDatasets.videos(o, stats);
    }

    private static DataSource clipStream(Iterator<Clip> clips, int bs, SkipStats stats) {
        return new DataSource() {
            long pos;
            @Override public Tensor next() {
                List<Clip> cs = new ArrayList<>(bs);
                for (int i = 0; i < bs; i++) cs.add(clips.next());
                pos++;
                return Clip.batch(cs);
            }
            @Override public long position() { return pos; }
            @Override public long skippedSamples() { return stats.total(); }
            @Override public void close() { if (clips instanceof AutoCloseable c) { try { c.close(); } catch (Exception ignored) { /* closing readers */ } } }
        };
    }

    /** IVAlterstepDataset through the data package's reader of the official section (it validates the keys). */
    private DataSource alternating(ConfigNode p) {
        SkipStats stats = new SkipStats();
        ImageVideoSampler s = ssvae.vae.data.OfficialDataConfig.sampler(train.get("params"), workers, 2 * workers + 2, stats);
        for (var it = train.get("params").fieldNames(); it.hasNext(); ) p.raw(it.next());
        return new DataSource() {
            long pos;
            @Override public Tensor next() { Batch b = s.next(); pos++; return b.x(); }
            @Override public long position() { return pos; }
            @Override public long skippedSamples() { return stats.total(); }
            @Override public void close() { s.close(); }
        };
    }

    /** The held-out clips [1, 3, T, H, W] each (empty when the config has no validation section). */
    public List<Tensor> validationClips() {
        List<Tensor> out = new ArrayList<>();
        if (validation == null) return out;
        ConfigNode v = ConfigNode.of(validation, "data.params.validation", file);
        String target = v.string("target", null);
        ConfigNode p = v.child("params");
        switch (target) {
            case SYNTHETIC -> {
                int[] size = imageSize(p);
                int frames = p.integer("num_frames", 17), n = p.integer("num_samples", 4);
                long seed = p.integer("seed", 1_000_003);
                for (int i = 0; i < n; i++) out.add(SyntheticVideos.clip(seed, i, frames, size[0], size[1]).tensor().unsqueeze(0));
            }
            case FILES -> {
                int[] size = imageSize(p);
                if (size[0] != size[1]) throw p.error("image_size", "VideoFiles loads square clips (reconstruction.py), got " + size[0] + "x" + size[1]);
                int frames = p.integer("num_frames", 17);
                JsonNode paths = p.raw("paths");
                if (paths == null || !paths.isArray() || paths.isEmpty()) throw p.error("paths", "needs a list of video files");
                for (JsonNode f : paths) out.add(ClipLoader.reconstructionClip(Path.of(f.asText()), frames, size[0]).tensor().unsqueeze(0));
            }
            default -> throw v.error("target", "unknown validation dataset '" + target + "'; expected " + SYNTHETIC + " or " + FILES);
        }
        TrainSettings.unknown(v, file);
        return out;
    }
}
