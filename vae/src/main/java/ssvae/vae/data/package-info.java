/**
 * The data pipeline, mirroring the official {@code reconstruction.py} and {@code ssvae/data/video_data_wds.py}.
 *
 * <ul>
 *   <li>{@link ssvae.vae.data.ClipLoader}: one clip from a video or image, as reconstruction.py (spread indices,
 *       bilinear) or the training loader (random window, uniform subsample, bicubic antialiased resize and crop).</li>
 *   <li>{@link ssvae.vae.data.ShardReader}: one WebDataset tar streamed with commons-compress, joined with its
 *       {@code .meta.jsonl}; {@link ssvae.vae.data.ShardSpec} expands the official ";dir1,dir2" paths.</li>
 *   <li>{@link ssvae.vae.data.SampleStream}: resampled shards plus webdataset's shuffle buffer, seeded.</li>
 *   <li>{@link ssvae.vae.data.Prefetcher}: background decoding on worker threads, bounded queue, ordered and
 *       deterministic output; unusable samples are skipped and counted in {@link ssvae.vae.data.SkipStats}.</li>
 *   <li>{@link ssvae.vae.data.WebDatasets}: VideoWebDataset / ImageWebDataset; {@link ssvae.vae.data.ImageVideoSampler}
 *       alternates image and video batches; {@link ssvae.vae.data.OfficialDataConfig} builds it all from the
 *       official config's {@code data.params.train.params}.</li>
 *   <li>{@link ssvae.vae.data.SyntheticVideos}: seeded synthetic clips when there is no data.</li>
 * </ul>
 *
 * <pre>{@code
 * SkipStats skips = new SkipStats();
 * try (ImageVideoSampler data = OfficialDataConfig.sampler(trainParamsNode, 2, 8, skips)) {
 *     Batch b = data.next();          // b.x(): F32 [B, 3, T, H, W] in [-1, 1], T = 1 for image batches
 *     ...
 *     log(skips.summary());           // "skipped 3 samples (too_short 2, corrupt 1)"
 * }
 * }</pre>
 */
package ssvae.vae.data;
