package ssvae.vae.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * One WebDataset sample: the tar entries sharing a key (KEY.mp4, KEY.jpg, KEY.id, KEY.txt, ...) by extension,
 * and the shard's meta line for that key (null when the shard has no meta file or no line for it).
 */
public record Sample(String shard, String key, Map<String, byte[]> files, JsonNode meta) {
    public byte[] file(String ext) { return files.get(ext); }

    /** A numeric meta field, or null when absent or not a number. */
    public Double metaNumber(String field) {
        if (meta == null) return null;
        JsonNode n = meta.get(field);
        return n != null && n.isNumber() ? n.asDouble() : null;
    }
}
