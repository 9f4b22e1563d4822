package ssvae.vae.data;

import java.util.Arrays;

/**
 * Options of a video or image WebDataset, named after the official VideoWebDataset/ImageWebDataset params.
 *
 * @param path          shard list, official form ";dir1,dir2" (see {@link ShardSpec})
 * @param height        target height (official image_size[0])
 * @param width         target width (official image_size[1])
 * @param numFrames     frames per video clip (rounded to 1+4k); 1 for images
 * @param fps           wanted frame rate(s); with several, one is drawn per sample (official random.choice)
 * @param seed          seeds shard resampling, shuffling and every per-sample random choice
 * @param shuffleBuffer webdataset shuffle buffer size (1 keeps the order)
 * @param resampled     endless stream of shards drawn with replacement (training); false: one ordered pass
 * @param workers       background decode threads
 * @param depth         bounded prefetch queue length (samples in flight)
 */
public record WebDatasetOptions(String path, int height, int width, int numFrames, double[] fps, long seed,
                                int shuffleBuffer, boolean resampled, int workers, int depth) {
    public WebDatasetOptions {
        if (height < 1 || width < 1) throw new IllegalArgumentException("image_size must be positive, got [" + height + ", " + width + "]");
        numFrames = FrameCounts.round4kPlus1(numFrames);
        if (fps == null || fps.length == 0) fps = new double[] {8};
        for (double f : fps) if (!(f > 0)) throw new IllegalArgumentException("fps must be positive, got " + Arrays.toString(fps));
        if (shuffleBuffer < 1) throw new IllegalArgumentException("shuffle_buffer must be at least 1, got " + shuffleBuffer);
        if (workers < 1 || depth < 1) throw new IllegalArgumentException("workers and prefetch depth must be at least 1");
    }

    /** Video defaults of the official configs: 17 frames at 8 fps, shuffle buffer 20, resampled. */
    public static WebDatasetOptions video(String path, int height, int width, long seed) {
        return new WebDatasetOptions(path, height, width, 17, new double[] {8}, seed, 20, true, 2, 8);
    }

    /** Image defaults: one frame, webdataset's default shuffle buffer 1000, resampled. */
    public static WebDatasetOptions image(String path, int height, int width, long seed) {
        return new WebDatasetOptions(path, height, width, 1, new double[] {8}, seed, 1000, true, 2, 16);
    }

    public WebDatasetOptions withNumFrames(int n) { return new WebDatasetOptions(path, height, width, n, fps, seed, shuffleBuffer, resampled, workers, depth); }
    public WebDatasetOptions withFps(double... f) { return new WebDatasetOptions(path, height, width, numFrames, f, seed, shuffleBuffer, resampled, workers, depth); }
    public WebDatasetOptions withShuffle(int buffer) { return new WebDatasetOptions(path, height, width, numFrames, fps, seed, buffer, resampled, workers, depth); }
    public WebDatasetOptions withResampled(boolean r) { return new WebDatasetOptions(path, height, width, numFrames, fps, seed, shuffleBuffer, r, workers, depth); }
    public WebDatasetOptions withWorkers(int w, int d) { return new WebDatasetOptions(path, height, width, numFrames, fps, seed, shuffleBuffer, resampled, w, d); }
}
