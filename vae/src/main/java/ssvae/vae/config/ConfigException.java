package ssvae.vae.config;

/** A bad config: the message names the file and the dotted key. */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String file, String key, String msg) {
        super(file + ": " + (key.isEmpty() ? "" : key + ": ") + msg);
    }
}
