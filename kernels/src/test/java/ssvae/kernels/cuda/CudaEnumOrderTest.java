package ssvae.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import ssvae.tensor.BinaryOp;
import ssvae.tensor.DType;
import ssvae.tensor.ReduceOp;
import ssvae.tensor.UnaryOp;

/** The kernels receive Java enum ordinals: src-cu/common.cuh must list the enums in the same order. */
class CudaEnumOrderTest {
    private static final String HEADER = Files.exists(Path.of("../src-cu/common.cuh")) ? "../src-cu/common.cuh" : "src-cu/common.cuh";

    private static List<String> cEnum(String name, String prefix) throws Exception {
        String src = Files.readString(Path.of(HEADER));
        Matcher m = Pattern.compile("enum " + name + "\\s*\\{([^}]*)\\}").matcher(src);
        if (!m.find()) throw new AssertionError("enum " + name + " not found in " + HEADER);
        List<String> out = new ArrayList<>();
        for (String part : m.group(1).split(",")) {
            String id = part.replaceAll("=.*", "").trim();
            if (!id.isEmpty()) out.add(id.substring(prefix.length()));
        }
        return out;
    }

    private static List<String> names(Enum<?>[] values) { return Arrays.stream(values).map(Enum::name).toList(); }

    @Test void dtypes() throws Exception { assertEquals(names(DType.values()), cEnum("DT", "DT_")); }

    @Test void unaryOps() throws Exception { assertEquals(names(UnaryOp.values()), cEnum("UOP", "U_")); }

    @Test void binaryOps() throws Exception { assertEquals(names(BinaryOp.values()), cEnum("BOP", "B_")); }

    @Test void reduceOps() throws Exception { assertEquals(names(ReduceOp.values()), cEnum("ROP", "R_")); }

    @Test void smallerEnumsPassedAsOrdinals() {
        // normalize.cu N_CENTERED/N_L2/N_RMS, interpolate.cu I_NEAREST/I_NEAREST_EXACT/I_LINEAR, random.cu kinds 0/1/2
        assertEquals(List.of("CENTERED", "L2", "RMS"), names(ssvae.tensor.NormMode.values()));
        assertEquals(List.of("NEAREST", "NEAREST_EXACT", "LINEAR"), names(ssvae.tensor.InterpMode.values()));
        assertEquals(List.of("UNIFORM", "NORMAL", "BERNOULLI"), names(ssvae.tensor.RandomKind.values()));
    }
}
