package io.cairn.crush;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A bad text map gets one clear error naming the line and the reason. */
class CrushMapErrorsTest {
    private static final String HEAD = """
            # begin crush map
            device 0 osd.0
            device 1 osd.1
            type 0 osd
            type 1 host
            type 2 root
            """;
    // line numbers below count from 1 at "# begin crush map"; HEAD is 6 lines

    private static CrushMapException error(String body) {
        return assertThrows(CrushMapException.class, () -> CrushTextParser.parse(HEAD + body));
    }

    private static void assertError(int line, String message, String body) {
        CrushMapException e = error(body);
        assertEquals("line " + line + ": " + message, e.getMessage());
        assertEquals(line, e.line());
    }

    @Test
    void unknownItem() {
        assertError(10, "item 'osd.9' in bucket 'h' is not a defined device or bucket", """
                host h {
                \tid -2
                \talg straw2
                \titem osd.9 weight 1.0
                }
                """);
    }

    @Test
    void unknownBucketType() {
        assertError(7, "unknown type 'rack' for bucket 'r'", """
                rack r {
                \tid -2
                }
                """);
    }

    @Test
    void unknownTypeInRule() {
        assertError(14, "unknown type 'rack'", """
                root default {
                \tid -1
                \titem osd.0 weight 1.0
                }
                rule r {
                \tid 0
                \tstep take default
                \tstep chooseleaf firstn 0 type rack
                \tstep emit
                }
                """);
    }

    @Test
    void duplicateBucketId() {
        assertError(12, "duplicate bucket id -2", """
                host a {
                \tid -2
                \titem osd.0 weight 1.0
                }
                host b {
                \tid -2
                \titem osd.1 weight 1.0
                }
                """);
    }

    @Test
    void duplicateName() {
        assertError(11, "duplicate name 'a'", """
                host a {
                \tid -2
                \titem osd.0 weight 1.0
                }
                host a {
                \tid -3
                \titem osd.1 weight 1.0
                }
                """);
    }

    @Test
    void duplicateDeviceId() {
        assertError(7, "duplicate device id 1", "device 1 osd.x\n");
    }

    @Test
    void duplicateDeviceName() {
        assertError(7, "duplicate name 'osd.1'", "device 2 osd.1\n");
    }

    @Test
    void cycle() {
        CrushMapException e = error("""
                host a {
                \tid -2
                \titem b weight 1.0
                }
                host b {
                \tid -3
                \titem a weight 1.0
                }
                """);
        assertEquals("line 7: cycle in the hierarchy: a -> b -> a", e.getMessage());
    }

    @Test
    void badWeight() {
        assertError(9, "bad weight 'heavy': not a decimal number", """
                host a {
                \tid -2
                \titem osd.0 weight heavy
                }
                """);
        assertError(9, "bad weight 'nan': not a decimal number", """
                host a {
                \tid -2
                \titem osd.0 weight nan
                }
                """);
        assertError(9, "bad weight '70000': out of range (|weight| < 65536)", """
                host a {
                \tid -2
                \titem osd.0 weight 70000
                }
                """);
    }

    @Test
    void ruleTakesMissingBucket() {
        assertError(13, "rule takes 'nowhere', which is not a defined bucket or device", """
                root default {
                \tid -1
                \titem osd.0 weight 1.0
                }
                rule r {
                \tid 0
                \tstep take nowhere
                \tstep chooseleaf firstn 0 type host
                \tstep emit
                }
                """);
    }

    @Test
    void unknownDeviceClassInRule() {
        assertError(13, "unknown device class 'nvme'", """
                root default {
                \tid -1
                \titem osd.0 weight 1.0
                }
                rule r {
                \tid 0
                \tstep take default class nvme
                \tstep emit
                }
                """);
    }

    @Test
    void unclosedBlockAndGarbage() {
        assertError(8, "unexpected end of map", "host a {\n\tid -2\n");
        assertError(9, "unexpected 'colour' in bucket 'a' (id, alg, hash, item)", "host a {\n\tid -2\n\tcolour red\n}\n");
        assertError(7, "unknown tunable 'speed'", "tunable speed 11\n");
        assertError(9, "unknown bucket algorithm 'fancy' (uniform, list, tree, straw, straw2)",
                "host a {\n\tid -2\n\talg fancy\n}\n");
    }

    @Test
    void uniformBucketNeedsEqualWeights() {
        assertError(11, "uniform bucket a needs items of equal weight", """
                host a {
                \tid -2
                \talg uniform
                \titem osd.0 weight 1.0
                \titem osd.1 weight 2.0
                }
                """);
    }
}
