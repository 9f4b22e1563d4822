package ssvae.nn;

import org.junit.jupiter.api.Test;
import ssvae.autograd.GradCheck;
import ssvae.tensor.DType;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Module registry: dotted names, state dicts, strict loading, modes, freezing, dtype moves. */
class ModuleTest {
    /** A small nested model in the shape of the VAE's naming: encoder.conv_in.conv.weight etc. */
    static final class Block extends Module {
        final Linear conv;
        Block(int in, int out, Generator g) {
            conv = registerModule("conv", new Linear(in, out, g));
            registerBuffer("running", Tensor.zeros(out));
            registerBuffer("scratch", Tensor.zeros(1), false);
        }
        @Override public Tensor forward(Tensor x) { return conv.forward(x).silu(); }
    }

    static final class Net extends Module {
        Net(Generator g) {
            Module enc = new Module() {};
            enc.registerModule("conv_in", new Block(4, 3, g));
            enc.registerModule("mid", new Sequential(new Linear(3, 3, g), new SiLU(), new Dropout(0.5, g), new Linear(3, 2, false, g)));
            registerModule("encoder", enc);
            registerParameter("scale", Tensor.ones(1));
        }
        @Override public Tensor forward(Tensor x) {
            Module enc = child("encoder");
            return enc.child("mid").forward(enc.child("conv_in").forward(x)).mul(attr("scale"));
        }
    }

    @Test void dottedNamesInRegistrationOrder() {
        Net net = new Net(new Generator(1));
        assertEquals(List.of("scale", "encoder.conv_in.conv.weight", "encoder.conv_in.conv.bias", "encoder.mid.0.weight",
                "encoder.mid.0.bias", "encoder.mid.3.weight"), List.copyOf(net.namedParameters().keySet()));
        // PyTorch order: a module's own parameters, then its persistent buffers, then its children
        assertEquals(List.of("scale", "encoder.conv_in.running", "encoder.conv_in.conv.weight", "encoder.conv_in.conv.bias",
                "encoder.mid.0.weight", "encoder.mid.0.bias", "encoder.mid.3.weight"), List.copyOf(net.stateDict().keySet()));
        assertEquals(List.of("encoder.conv_in.running", "encoder.conv_in.scratch"), List.copyOf(net.namedBuffers().keySet()));
        assertEquals(1 + 12 + 3 + 9 + 3 + 6, net.numParameters());
        assertSame(net.getSubmodule("encoder.mid.0"), ((Sequential) net.getSubmodule("encoder.mid")).get(0));
        for (Tensor p : net.parameters()) assertTrue(p.requiresGrad() && p.isLeaf());
        assertEquals(List.of("", "encoder", "encoder.conv_in", "encoder.conv_in.conv", "encoder.mid", "encoder.mid.0",
                "encoder.mid.1", "encoder.mid.2", "encoder.mid.3"), List.copyOf(net.namedModules().keySet()));
        var e = assertThrows(IllegalArgumentException.class, () -> net.registerParameter("scale", Tensor.ones(1)));
        assertTrue(e.getMessage().contains("scale"));
        assertThrows(IllegalArgumentException.class, () -> net.registerModule("a.b", new SiLU()));
    }

    @Test void sharedParametersAreListedOnce() {
        Generator g = new Generator(2);
        Linear l = new Linear(2, 2, g);
        Sequential s = new Sequential(l, l);
        assertEquals(List.of("0.weight", "0.bias"), List.copyOf(s.namedParameters().keySet()));
        assertEquals(4, s.stateDict().size());
    }

    @Test void stateDictRoundTripKeepsIdentity() {
        Net a = new Net(new Generator(1)), b = new Net(new Generator(99));
        try (var ng = GradMode.noGrad()) { a.getSubmodule("encoder.conv_in").buffer("running").fill_(7); }
        Map<String, Tensor> before = b.namedParameters();
        Module.LoadResult r = b.loadStateDict(a.stateDict());
        assertTrue(r.missingKeys().isEmpty() && r.unexpectedKeys().isEmpty());
        Map<String, Tensor> after = b.namedParameters();
        for (String k : before.keySet()) assertSame(before.get(k), after.get(k), k);
        for (var e : a.stateDict().entrySet())
            assertArrayEquals(e.getValue().toDoubleArray(), b.stateDict().get(e.getKey()).toDoubleArray(), 0, e.getKey());
        assertTrue(after.get("scale").requiresGrad() && after.get("scale").isLeaf());
        // values were copied, not aliased
        try (var ng = GradMode.noGrad()) { a.param("scale").fill_(3); }
        assertEquals(1, b.param("scale").item());
    }

    @Test void loadConvertsDtype() {
        Net a = new Net(new Generator(1)), b = new Net(new Generator(5));
        LinkedHashMap<String, Tensor> sd = new LinkedHashMap<>();
        a.stateDict().forEach((k, v) -> sd.put(k, v.to(DType.F64)));
        b.loadStateDict(sd);
        assertEquals(DType.F32, b.param("scale").dtype());
        assertArrayEquals(a.stateDict().get("encoder.mid.0.weight").toFloatArray(), b.stateDict().get("encoder.mid.0.weight").toFloatArray());
    }

    @Test void strictReportsMissingAndUnexpectedKeys() {
        Net net = new Net(new Generator(1));
        LinkedHashMap<String, Tensor> sd = net.stateDict();
        sd.remove("encoder.mid.0.bias");
        sd.remove("scale");
        sd.put("encoder.extra.weight", Tensor.zeros(2));
        var e = assertThrows(IllegalArgumentException.class, () -> new Net(new Generator(2)).loadStateDict(sd, true));
        assertTrue(e.getMessage().contains("missing key(s): scale, encoder.mid.0.bias"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected key(s): encoder.extra.weight"), e.getMessage());
        Net lax = new Net(new Generator(2));
        Module.LoadResult r = lax.loadStateDict(sd, false);
        assertEquals(List.of("scale", "encoder.mid.0.bias"), r.missingKeys());
        assertEquals(List.of("encoder.extra.weight"), r.unexpectedKeys());
        assertArrayEquals(net.param("scale").toFloatArray(), lax.param("scale").toFloatArray()); // untouched default 1
    }

    @Test void shapeMismatchNamesKeyAndShapes() {
        LinkedHashMap<String, Tensor> sd = new Net(new Generator(1)).stateDict();
        sd.put("encoder.mid.0.weight", Tensor.zeros(3, 4));
        Net net = new Net(new Generator(2));
        double[] w0 = net.stateDict().get("encoder.mid.0.weight").toDoubleArray();
        var e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(sd, false));
        assertTrue(e.getMessage().contains("size mismatch for encoder.mid.0.weight") && e.getMessage().contains("[3, 4]")
                && e.getMessage().contains("[3, 3]"), e.getMessage());
        assertArrayEquals(w0, net.stateDict().get("encoder.mid.0.weight").toDoubleArray(), 0, "nothing is loaded on error");
    }

    @Test void trainEvalIsRecursive() {
        Net net = new Net(new Generator(1));
        assertTrue(net.getSubmodule("encoder.mid.2").isTraining());
        net.eval();
        for (Module m : net.namedModules().values()) assertFalse(m.isTraining());
        Tensor x = Tensor.randn(new Generator(3), 5, 4);
        assertArrayEquals(net.forward(x).toFloatArray(), net.forward(x).toFloatArray(), "dropout off in eval");
        net.train();
        for (Module m : net.namedModules().values()) assertTrue(m.isTraining());
    }

    @Test void freezingASubTree() {
        Net net = new Net(new Generator(1));
        net.getSubmodule("encoder.conv_in").requiresGrad(false);
        assertEquals(1 + 9 + 3 + 6, net.numParameters(true));
        net.eval();
        net.forward(Tensor.randn(new Generator(3), 5, 4)).sum().backward();
        assertNull(net.getSubmodule("encoder.conv_in.conv").param("weight").grad());
        assertNotNull(net.getSubmodule("encoder.mid.0").param("weight").grad());
        assertNotNull(net.param("scale").grad());
        net.zeroGrad(false);
        assertEquals(0, net.param("scale").grad().item());
        net.zeroGrad();
        assertNull(net.param("scale").grad());
    }

    @Test void toDtypeReplacesTensorsAndKeepsNames() {
        Net net = new Net(new Generator(1));
        net.getSubmodule("encoder.conv_in").requiresGrad(false);
        double[] w = net.stateDict().get("encoder.mid.0.weight").toDoubleArray();
        net.to(DType.F64);
        for (var e : net.stateDict().entrySet()) assertEquals(DType.F64, e.getValue().dtype(), e.getKey());
        assertArrayEquals(w, net.stateDict().get("encoder.mid.0.weight").toDoubleArray(), 0);
        assertFalse(net.getSubmodule("encoder.conv_in.conv").param("weight").requiresGrad(), "frozen stays frozen");
        assertTrue(net.param("scale").requiresGrad() && net.param("scale").isLeaf());
        assertEquals(DType.F64, net.forward(Tensor.randn(new Generator(3), DType.F64, ssvae.tensor.Device.CPU, 2, 4)).dtype());
        assertSame(net, net.to(ssvae.tensor.Device.CPU));
        assertThrows(IllegalArgumentException.class, () -> net.to(DType.I64));
    }

    @Test void forwardOfModuleListIsAClearError() {
        ModuleList l = new ModuleList(new SiLU(), new Identity());
        assertEquals(2, l.size());
        var e = assertThrows(UnsupportedOperationException.class, () -> l.forward(Tensor.zeros(1)));
        assertTrue(e.getMessage().contains("ModuleList"));
        int n = 0;
        for (Module m : l) n++;
        assertEquals(2, n);
    }

    @Test void linearGradientsInF64() {
        Linear l = new Linear(3, 2, new Generator(4));
        l.to(DType.F64);
        Tensor x = GradCheck.leaf(new Generator(5), 4, 3);
        GradCheck.check(in -> l.forward(in.get(0)), List.of(x, l.param("weight"), l.param("bias")));
    }

    @Test void moduleDictNamesChildren() {
        Generator g = new Generator(8);
        ModuleDict d = new ModuleDict().put("conv_in", new Linear(2, 2, g)).put("norm", new LayerNorm(2));
        assertEquals(List.of("conv_in.weight", "conv_in.bias", "norm.weight", "norm.bias"), List.copyOf(d.stateDict().keySet()));
        assertTrue(d.containsKey("norm") && !d.containsKey("x"));
        assertEquals(2, d.size());
        var e = assertThrows(IllegalArgumentException.class, () -> d.get("missing"));
        assertTrue(e.getMessage().contains("missing"));
    }
}
