package ssvae.vae.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A very small training config for tests: ch 4, 16x16, 5 frames, LCR, LMR, image+video PatchGAN from step 0, EMA. */
public final class TinyRun {
    private TinyRun() {}

    public static final String YAML = """
            model:
              base_learning_rate: 1e-3
              target: ssvae.models.autoencoder.VideoAutoencodingEngine
              params:
                ema_decay: 0.9
                disc_start_iter: 0
                lmr_config:
                  mask_probs: {16: [0.2, 0.2, 0.3, 0.3]}
                  block_sizes: {16: [1, 1, 1]}
                scheduler_config:
                  target: ssvae.lr_scheduler.LambdaWarmUpCosineScheduler
                  params: {warm_up_steps: 2, lr_min: 1e-5, lr_max: -1, lr_start: 1e-4, max_decay_steps: 20}
                loss_config:
                  target: ssvae.modules.autoencoding.losses.loss_factory.GeneralLPIPSWithDiscriminator
                  params:
                    dims: 3
                    perceptual_weight: 0
                    disc_start: 0
                    disc_weight: 1
                    learn_logvar: True
                    lcr_config: {weight: 0.02, thresh: 0.75}
                    regularization_weights: {kl_loss: 5e-4}
                    discriminator_config:
                      target: ssvae.modules.autoencoding.losses.patchgan.PatchGANImageVideoDisc
                      params: {in_channels: 3, ndf: 2, max_spatial_down: 4, max_temporal_down: 2}
                regularizer_config:
                  target: ssvae.modules.autoencoding.regularizers.DiagonalGaussianRegularizer
                  params:
                    average_kl_loss: False
                    report_mean_klloss: True
                    lcr_config: {window_size: [1, 2, 2]}
                encoder_config:
                  target: ssvae.modules.autoencoding.vae.dc_3dvae.Encoder3D
                  params: {ch: 4, ch_mult: [1, 2, 2], num_res_blocks: 1, num_mid_blocks: 1, temporal_upsample: [True, True],
                           z_channels: 4, norm: rmsnorm, in_channels: 3, out_ch: 3, resolution: 16}
                decoder_config:
                  target: ssvae.modules.autoencoding.vae.dc_3dvae.Decoder3D
                  params: {ch: 4, ch_mult: [1, 2, 2], num_res_blocks: 1, num_mid_blocks: 1, temporal_upsample: [True, True],
                           z_channels: 4, norm: rmsnorm, in_channels: 3, out_ch: 3, resolution: 16}
            lightning:
              modelcheckpoint: {params: {every_n_train_steps: 2, save_top_k: 2}}
              callbacks: {video_logger: {params: {batch_frequency: 2, max_videos: 1}}}
              trainer: {max_steps: 4, seed: 3, max_nonfinite_steps: 3}
            data:
              params:
                batch_size: 1
                train:
                  target: ssvae.vae.data.SyntheticVideos
                  params: {image_size: [16, 16], num_frames: 5, seed: 0}
            """;

    public static final String VALIDATION = """
                validation:
                  target: ssvae.vae.data.SyntheticVideos
                  params: {image_size: [16, 16], num_frames: 5, seed: 99, num_samples: 2}
            """;

    /** Writes the config (optionally with a held-out set) and returns its path. */
    public static Path write(Path dir, boolean validation) throws IOException {
        Path f = dir.resolve("tiny.yaml");
        Files.writeString(f, validation ? YAML + VALIDATION : YAML);
        return f;
    }
}
