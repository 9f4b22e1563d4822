package ssvae.vae.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Random;

/**
 * The official VideoWebDataset and ImageWebDataset as prefetching clip streams: shards (resampled or one pass)
 * -> seeded shuffle buffer -> per-sample processing on worker threads (process_fn_video / process_fn_image) ->
 * clips in a bounded queue. Unusable samples are skipped and counted in the given {@link SkipStats}.
 */
public final class WebDatasets {
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebDatasets() {}

    public static Prefetcher<Clip> videos(WebDatasetOptions o, SkipStats stats) {
        SampleStream s = new SampleStream(ShardSpec.parse(o.path()), o.resampled(), o.seed(), o.shuffleBuffer(), stats);
        return new Prefetcher<>(s, (sample, rng) -> videoClip(sample, o, rng), o.seed() + 1, o.workers(), o.depth(), stats);
    }

    public static Prefetcher<Clip> images(WebDatasetOptions o, SkipStats stats) {
        SampleStream s = new SampleStream(ShardSpec.parse(o.path()), o.resampled(), o.seed(), o.shuffleBuffer(), stats);
        return new Prefetcher<>(s, (sample, rng) -> imageClip(sample, o, rng), o.seed() + 1, o.workers(), o.depth(), stats);
    }

    /** process_fn_video for one sample. */
    public static Clip videoClip(Sample s, WebDatasetOptions o, Random rng) {
        byte[] video = s.file("mp4") != null ? s.file("mp4") : s.file("avi");
        if (video == null) throw new SkipException(SkipException.Reason.NO_MEDIA, "no .mp4 or .avi entry");
        Double duration = s.metaNumber("duration");
        if (duration == null && s.file("json") != null) duration = jsonNumber(s.file("json"), "duration");
        if (duration == null) throw new SkipException(SkipException.Reason.NO_META, "no duration in the meta file or a .json entry");
        double fps = o.fps().length == 1 ? o.fps()[0] : o.fps()[rng.nextInt(o.fps().length)];
        Double actualFps = s.metaNumber("fps");
        if (actualFps == null && s.file("json") != null) actualFps = jsonNumber(s.file("json"), "fps");
        if (actualFps == null || actualFps == 0) throw new SkipException(SkipException.Reason.NO_META, "no or zero fps in the meta file");
        return ClipLoader.trainingVideo(video, s.shard() + " " + s.key(), duration, fps, o.numFrames(), o.height(), o.width(), rng);
    }

    /** process_fn_image for one sample. */
    public static Clip imageClip(Sample s, WebDatasetOptions o, Random rng) {
        byte[] img = s.file("png") != null ? s.file("png") : s.file("jpg");
        if (img == null) img = s.file("jpeg");
        if (img == null) throw new SkipException(SkipException.Reason.NO_MEDIA, "no .jpg or .png entry");
        return ClipLoader.trainingImage(img, s.shard() + " " + s.key(), o.height(), o.width(), rng);
    }

    private static Double jsonNumber(byte[] json, String field) {
        try {
            JsonNode n = JSON.readTree(json);
            JsonNode v = n == null ? null : n.get(field);
            return v != null && v.isNumber() ? v.asDouble() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
