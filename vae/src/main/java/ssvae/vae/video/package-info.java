/** Video decoding and encoding through FFmpeg (bytedeco JavaCV, LGPL build) and RGB24 frame conversion. */
package ssvae.vae.video;
