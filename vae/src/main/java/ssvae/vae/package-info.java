/** The SSVAE model, losses, data pipeline, trainer and checkpoint formats. */
package ssvae.vae;
