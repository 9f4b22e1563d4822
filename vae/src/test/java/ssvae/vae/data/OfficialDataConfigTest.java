package ssvae.vae.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class OfficialDataConfigTest {
    /** The train params of configs/example_train.yaml, with the shared shards as paths and a small size. */
    static String trainParams(String extra) {
        String root = ShardReaderTest.videoShard().getParent().getParent().toString();
        return "{\"image_video_weights\": [1, 7], \"image_batch_size\": 2, \"video_batch_size\": 1, " + extra
                + "\"image_ds_config\": {\"target\": \"ssvae.data.video_data_wds.ImageWebDataset\", \"params\": {\"path\": \";" + root + "/image\", \"image_size\": [64, 64], \"seed\": 0}},"
                + "\"video_ds_config\": {\"target\": \"ssvae.data.video_data_wds.VideoWebDataset\", \"params\": {\"path\": \";" + root + "/video\", \"meta_names\": [\"duration\", \"fps\"],"
                + " \"image_size\": [64, 64], \"num_frames\": 5, \"fps\": 8, \"shuffle_buffer\": 20, \"seed\": 0}}}";
    }

    @Test void officialTrainParamsBuildTheAlternatingSampler() throws Exception {
        SkipStats stats = new SkipStats(null);
        try (ImageVideoSampler s = OfficialDataConfig.sampler(new ObjectMapper().readTree(trainParams("")), 2, 4, stats)) {
            boolean sawImage = false, sawVideo = false;
            for (int i = 0; i < 12 && !(sawImage && sawVideo); i++) {
                Batch b = s.next();
                if (b.image()) { sawImage = true; assertArrayEquals(new int[] {2, 3, 1, 64, 64}, b.x().shape()); }
                else { sawVideo = true; assertArrayEquals(new int[] {1, 3, 5, 64, 64}, b.x().shape()); }
            }
            assertTrue(sawVideo);
        }
    }

    @Test void unknownKeysAndBadValuesNameTheKey() throws Exception {
        ObjectMapper om = new ObjectMapper();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OfficialDataConfig.sampler(om.readTree(trainParams("\"batchsize\": 3, ")), 1, 1, new SkipStats(null)));
        assertEquals("data config: unknown key data.params.train.params.batchsize", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OfficialDataConfig.options(Map.of("path", "x", "image_size", List.of(64)), true, 1, 1, "video_ds_config"));
        assertEquals("data config: video_ds_config.params.image_size needs [height, width]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OfficialDataConfig.options(Map.of("path", "x", "image_size", List.of(64, 64), "num_frames", 2.5), true, 1, 1, "v"));
        assertEquals("data config: v.params.num_frames must be an integer, got 2.5", e.getMessage());
    }

    @Test void includeDirsAndFpsListsAreKept() {
        WebDatasetOptions o = OfficialDataConfig.options(Map.of("path", "", "include_dirs", "/a,/b*2", "image_size", List.of(32, 48),
                "fps", List.of(4, 8), "num_frames", 16, "seed", 3), true, 1, 1, "v");
        assertEquals(";/a,/b*2", o.path());
        assertEquals(17, o.numFrames());
        assertArrayEquals(new double[] {4, 8}, o.fps());
        assertEquals(32, o.height());
        assertEquals(48, o.width());
    }
}
