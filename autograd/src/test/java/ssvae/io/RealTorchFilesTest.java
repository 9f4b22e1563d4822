package ssvae.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.tensor.DType;
import ssvae.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Files written by a real torch.save (PyTorch 1.13, see make_real_torch_fixtures.py) against the dtype, shape,
 * stride, offset and values PyTorch itself reported in real_expected.json.
 */
class RealTorchFilesTest {
    @TempDir Path dir;

    Path fixture(String name) {
        Path p = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/io/" + name)) {
            assertNotNull(in, "missing test resource " + name);
            Files.copy(in, p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return p;
    }

    Map<?, ?> expected() {
        try (InputStream in = getClass().getResourceAsStream("/io/real_expected.json")) {
            return (Map<?, ?>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static DType dtype(String torchName) {
        return switch (torchName) {
            case "float32" -> DType.F32; case "float64" -> DType.F64; case "bfloat16" -> DType.BF16; case "float16" -> DType.F16;
            case "int64" -> DType.I64; case "int32" -> DType.I32; case "uint8" -> DType.U8; case "bool" -> DType.BOOL;
            default -> throw new AssertionError(torchName);
        };
    }

    static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> (int) (long) (Long) o).toArray();
    }

    /** Same dtype, shape and values; with torchLayout also the same strides and storage offset as in PyTorch. */
    static void check(String key, Tensor t, Map<?, ?> e, boolean torchLayout) {
        assertEquals(dtype((String) e.get("dtype")), t.dtype(), key);
        assertArrayEquals(ints(e.get("shape")), t.shape(), key);
        if (torchLayout && t.numel() > 1) {
            assertArrayEquals(ints(e.get("stride")), t.strides(), key);
            assertEquals(((Long) e.get("offset")).intValue(), t.offset(), key);
        }
        double[] got = t.to(DType.F64).toDoubleArray();
        List<?> want = (List<?>) e.get("values");
        assertEquals(want.size(), got.length, key);
        for (int i = 0; i < got.length; i++)
            assertEquals(((Number) want.get(i)).doubleValue(), got[i], 0.0, key + "[" + i + "]");
    }

    static void checkAll(Map<String, Tensor> sd, Map<?, ?> exp, boolean torchLayout, String what) {
        assertEquals(new ArrayList<>(exp.keySet()), new ArrayList<>(sd.keySet()), what);
        for (var e : sd.entrySet()) check(what + ": " + e.getKey(), e.getValue(), (Map<?, ?>) exp.get(e.getKey()), torchLayout);
    }

    @Test void realStateDictsZipProtocol4AndLegacy() {
        Map<?, ?> exp = (Map<?, ?>) expected().get("state_dict");
        for (String f : List.of("real_state_dict.pt", "real_p4.pt", "real_legacy.pth")) {
            Map<String, Tensor> sd = TorchCheckpoint.stateDict(fixture(f));
            checkAll(sd, exp, true, f);
            assertSame(sd.get("view.a").storage(), sd.get("view.b").storage(), f + ": views share one storage");
            assertSame(sd.get("view.a").storage(), sd.get("view.t").storage(), f);
            assertEquals(0, sd.get("1.num_batches_tracked").dim(), f);
        }
    }

    @Test void realLightningCheckpoint() {
        Path p = fixture("real_lightning.ckpt");
        Map<?, ?> all = expected();
        checkAll(TorchCheckpoint.stateDict(p), (Map<?, ?>) all.get("lightning_state_dict"), true, "lightning");
        Map<?, ?> top = (Map<?, ?>) TorchCheckpoint.load(p);
        Map<?, ?> opt = (Map<?, ?>) ((List<?>) top.get("optimizer_states")).get(0);
        Map<?, ?> st0 = (Map<?, ?>) ((Map<?, ?>) opt.get("state")).get(0L);
        check("exp_avg", (Tensor) st0.get("exp_avg"), (Map<?, ?>) all.get("exp_avg_0"), true);
        Map<?, ?> group = (Map<?, ?>) ((List<?>) opt.get("param_groups")).get(0);
        assertEquals(1e-3, group.get("lr"));
        assertEquals(List.of(0.9, 0.999), group.get("betas"));
        assertEquals(40L, top.get("global_step"));
    }

    @Test void realCheckpointsConvertToSafetensors() {
        Map<?, ?> exp = (Map<?, ?>) expected().get("state_dict");
        Path out = dir.resolve("real.safetensors");
        SafetensorsWriter.write(out, TorchCheckpoint.stateDict(fixture("real_state_dict.pt")));
        checkAll(SafetensorsReader.read(out), exp, false, "safetensors");
    }
}
