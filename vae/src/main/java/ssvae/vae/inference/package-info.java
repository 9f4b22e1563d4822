/**
 * Inference helpers for the command line: the default model location, encode-decode of one clip with the causal
 * chunked path and progress callbacks, 8-bit frame conversion and side-by-side frames, and output files that
 * appear together or not at all.
 */
package ssvae.vae.inference;
