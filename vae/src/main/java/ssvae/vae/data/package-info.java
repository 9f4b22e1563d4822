/**
 * The data pipeline: clip loading as the official {@code reconstruction.py} and {@code video_data_wds.py} do,
 * WebDataset tar shards streamed with commons-compress, seeded shuffling and resampling, background prefetch,
 * the image/video alternating sampler, skip counters, and a synthetic video source.
 */
package ssvae.vae.data;
