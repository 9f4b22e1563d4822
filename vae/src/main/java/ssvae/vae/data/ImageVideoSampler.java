package ssvae.vae.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * The official image/video alternation (IVAlterstepDataset + VideoAutoencodingEngine.get_input): every step draws
 * image with probability w0 / (w0 + w1) (image_video_weights, [1, 7] in the official configs), else video, and
 * returns a batch of image_batch_size images ([B, 3, 1, H, W]) or video_batch_size clips. The official loader
 * builds both batches each step and the model keeps one; here only the chosen batch is loaded.
 */
public final class ImageVideoSampler implements Iterator<Batch>, AutoCloseable {
    private final Iterator<Clip> images, videos;
    private final int imageBatch, videoBatch;
    private final double pImage;
    private final Random rng;

    public ImageVideoSampler(Iterator<Clip> images, Iterator<Clip> videos, int imageBatchSize, int videoBatchSize,
                             double[] imageVideoWeights, long seed) {
        if (imageVideoWeights.length != 2 || imageVideoWeights[0] < 0 || imageVideoWeights[1] < 0 || imageVideoWeights[0] + imageVideoWeights[1] <= 0) {
            throw new IllegalArgumentException("image_video_weights must be two non-negative numbers with a positive sum");
        }
        if (imageBatchSize < 1 || videoBatchSize < 1) throw new IllegalArgumentException("batch sizes must be at least 1");
        this.images = images;
        this.videos = videos;
        this.imageBatch = imageBatchSize;
        this.videoBatch = videoBatchSize;
        this.pImage = imageVideoWeights[0] / (imageVideoWeights[0] + imageVideoWeights[1]);
        this.rng = new Random(seed);
    }

    @Override public boolean hasNext() { return true; }

    @Override public Batch next() {
        boolean image = rng.nextDouble() < pImage;
        Iterator<Clip> src = image ? images : videos;
        int n = image ? imageBatch : videoBatch;
        List<Clip> clips = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (!src.hasNext()) throw new NoSuchElementException((image ? "image" : "video") + " stream ended");
            clips.add(src.next());
        }
        return Batch.of(image, clips);
    }

    @Override public void close() {
        for (Object o : new Object[] {images, videos}) {
            if (o instanceof AutoCloseable c) {
                try { c.close(); } catch (Exception ignored) { /* closing readers */ }
            }
        }
    }
}
