package ssvae.io;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class PickleReaderTest {

    static byte[] resource(String name) {
        try (InputStream in = PickleReaderTest.class.getResourceAsStream("/io/" + name)) {
            assertNotNull(in, "missing test resource " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static TorchGlobals noStorages() {
        return new TorchGlobals((k, t, n) -> { throw new AssertionError("no storages here"); });
    }

    /** values_p0..p5.pkl hold the same Python dict (see make_torch_fixtures.py plain_values). */
    @Test void everyProtocolDecodesTheSameValues() {
        for (int proto = 0; proto <= 5; proto++) {
            Object o = PickleReader.load(resource("values_p" + proto + ".pkl"), noStorages());
            String p = "protocol " + proto;
            Map<?, ?> m = assertInstanceOf(Map.class, o, p);
            assertEquals(5L, m.get("int"), p);
            assertEquals(-300L, m.get("neg"), p);
            assertEquals(40000L, m.get("i2"), p);
            assertEquals(-2147483648L, m.get("i4"), p);
            assertEquals(1L << 40, m.get("i8"), p);
            assertEquals(BigInteger.TWO.pow(100), m.get("big"), p);
            assertEquals(BigInteger.TWO.pow(100).negate(), m.get("mbig"), p);
            assertEquals(1.5, m.get("f"), p);
            assertEquals(-0.1, m.get("nf"), p);
            assertEquals("h\u00e9llo \u2713 \uD83D\uDE00 \\ \n", m.get("s"), p);
            assertEquals("x".repeat(300), m.get("long_s"), p);
            assertArrayEquals(new byte[] {0, 'a', 'b'}, (byte[]) m.get("b"), p);
            byte[] bb = (byte[]) m.get("bb");
            assertEquals(512, bb.length, p);
            for (int i = 0; i < 512; i++) assertEquals((byte) i, bb[i], p);
            assertEquals(List.of(), m.get("t0"), p);
            assertEquals(List.of(1L), m.get("t1"), p);
            assertEquals(List.of(1L, "2"), m.get("t2"), p);
            assertEquals(List.of(1L, 2L, 3L), m.get("t3"), p);
            assertEquals(List.of(1L, 2L, 3L, 4L), m.get("t4"), p);
            assertEquals(List.of(1L, List.of(2L, 3L)), m.get("l"), p);
            assertEquals(Set.of(1L), m.get("set"), p);
            assertEquals(Set.of(2L), m.get("fs"), p);
            assertTrue(m.containsKey("none") && m.get("none") == null, p);
            assertEquals(List.of(true, false), m.get("tf"), p);
            List<?> shared = (List<?>) m.get("shared");
            assertSame(shared.get(0), shared.get(1), p + ": memo must return the same object");
            assertArrayEquals(new byte[] {'x', 'y'}, (byte[]) m.get("ba"), p);
            assertEquals(List.of("z", "a"), new ArrayList<>(((Map<?, ?>) m.get("od")).keySet()), p);
            List<?> many = (List<?>) m.get("many");
            assertEquals(1500, many.size(), p);
            assertEquals(1499L, many.get(1499), p);
            List<?> special = (List<?>) m.get("special");
            assertEquals(Double.POSITIVE_INFINITY, special.get(0), p);
            assertEquals(Double.NEGATIVE_INFINITY, special.get(1), p);
            assertTrue(Double.isNaN((Double) special.get(2)), p);
        }
    }

    @Test void unknownGlobalsBecomeInertPlaceholders() {
        // protocol 2: GLOBAL 'subprocess Popen' + ('ls',) REDUCE, then BUILD with a dict, then STOP
        byte[] p = concat(new byte[] {(byte) 0x80, 2}, "csubprocess\nPopen\n".getBytes(), new byte[] {'X', 2, 0, 0, 0, 'l', 's', (byte) 0x85, 'R',
                '}', 'X', 1, 0, 0, 0, 'k', 'K', 9, 's', 'b', '.'});
        PyObject o = assertInstanceOf(PyObject.class, PickleReader.load(p, noStorages()));
        assertEquals("subprocess.Popen", o.qualifiedName());
        assertEquals(List.of("ls"), o.args());
        assertEquals(Map.of("k", 9L), o.state());
        assertTrue(o.toString().startsWith("subprocess.Popen('ls')"), o.toString());
        // an unknown global as a plain value stays a name
        Object g = PickleReader.load(concat(new byte[] {(byte) 0x80, 2}, "ctorch\nfloat32\n.".getBytes()), noStorages());
        assertEquals(new PyGlobal("torch", "float32"), g);
    }

    @Test void malformedPicklesFailWithOneLine() {
        String[] msgs = {
                fail(new byte[] {(byte) 0x80, 2, 'X', 100, 0, 0, 0, 'a'}, "truncated pickle"),
                fail(new byte[] {(byte) 0x80, 2, 'K', 1}, "no STOP"),
                fail(new byte[] {(byte) 0x80, 2, 'h', 3, '.'}, "memo key 3"),
                fail(new byte[] {(byte) 0x80, 2, 's', '.'}, "stack underflow"),
                fail(new byte[] {(byte) 0x80, 2, (byte) 0xff}, "invalid pickle opcode 0xff"),
                fail(new byte[] {(byte) 0x80, 9}, "unsupported pickle protocol 9"),
                fail(new byte[] {(byte) 0x80, 2, 'K', 1, 'K', 2, '.'}, "STOP with 2 values"),
                fail(new byte[] {(byte) 0x80, 2, 'K', 1, ')', 'R', '.'}, "non-callable"),
                fail(new byte[] {(byte) 0x80, 2, 'K', 1, 'K', 2, 'a', '.'}, "APPEND to a non-list"),
                fail(new byte[] {(byte) 0x80, 5, (byte) 0x97, '.'}, "out-of-band"),
                fail(new byte[] {(byte) 0x80, 4, (byte) 0x8d, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}, "truncated pickle"),
        };
        for (String m : msgs) assertFalse(m.contains("\n"), m);
    }

    private static String fail(byte[] data, String fragment) {
        PickleException e = assertThrows(PickleException.class, () -> PickleReader.load(data, noStorages()), fragment);
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
        return e.getMessage();
    }

    private static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(b -> b.length).sum();
        byte[] out = new byte[n];
        int k = 0;
        for (byte[] b : parts) { System.arraycopy(b, 0, out, k, b.length); k += b.length; }
        return out;
    }

    @Test void reprIsShortAndPythonLike() {
        List<Object> tuple = java.util.Collections.unmodifiableList(new ArrayList<>(List.of(1L)));
        assertEquals("(1,)", PickleReader.repr(tuple, 2));
        assertEquals("[None, True]", PickleReader.repr(new ArrayList<>(Arrays.asList(null, true)), 2));
        assertEquals("{'a': [...]}", PickleReader.repr(Map.of("a", new ArrayList<>()), 1));
        assertEquals("{1}", PickleReader.repr(new LinkedHashSet<>(List.of(1L)), 2));
    }
}
