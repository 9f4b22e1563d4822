/** Reconstruction quality metrics on 8-bit RGB frames: PSNR and SSIM (scikit-image's Gaussian-window definition). */
package ssvae.vae.metrics;
