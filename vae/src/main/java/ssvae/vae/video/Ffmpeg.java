package ssvae.vae.video;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/** One-time FFmpeg set-up (quiet logging) and the choice of H.264 encoder available in the loaded build. */
public final class Ffmpeg {
    private static volatile boolean ready;

    private Ffmpeg() {}

    /** Loads the natives once and silences FFmpeg's per-open chatter (errors are still reported by return codes). */
    public static void init() {
        if (ready) return;
        synchronized (Ffmpeg.class) {
            if (ready) return;
            avutil.av_log_set_level(avutil.AV_LOG_QUIET);
            ready = true;
        }
    }

    /**
     * The H.264 encoder to use: libx264 when the build has it (GPL builds), else libopenh264 (the LGPL build's
     * encoder, Constrained Baseline). JavaCV silently falls back when a name is missing, so we check ourselves.
     * Returns null when neither exists.
     */
    public static String h264EncoderName() {
        init();
        for (String name : new String[] {"libx264", "libopenh264"}) {
            if (avcodec.avcodec_find_encoder_by_name(name) != null) return name;
        }
        return null;
    }
}
