package io.cairn.common.osdmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Entity addresses parse from Ceph's forms to one canonical text, and anything else is refused. */
class EntityAddrTest {
    @ParameterizedTest
    @CsvSource({
        "127.0.0.1:0/3141592653, 127.0.0.1:0/3141592653",
        "10.1.2.3:6789/0, 10.1.2.3:6789/0",
        "10.1.2.3, 10.1.2.3:0/0",
        "' 10.1.2.3 ', 10.1.2.3:0/0",
        "010.001.002.003:0/7, 10.1.2.3:0/7",
        "255.255.255.255:65535/4294967295, 255.255.255.255:65535/4294967295",
        "[::1]:0/5, [::1]:0/5",
        "::1, [::1]:0/0",
        "[2001:DB8:0:0:1:0:0:1]:0/9, [2001:db8::1:0:0:1]:0/9",
        "[2001:db8:0:0:0:0:2:1], [2001:db8::2:1]:0/0",
        "[1:0:2:0:3:0:4:0]:0/1, [1:0:2:0:3:0:4:0]:0/1",
        "[::ffff:10.0.0.1]:0/3, 10.0.0.1:0/3"})
    void parsesToTheCanonicalText(String text, String canonical) {
        EntityAddr a = EntityAddr.parse(text);
        assertEquals(canonical, a.toString());
        assertEquals(a, EntityAddr.parse(a.toString()), "the canonical text parses back to the same address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "nonsense", "localhost", "example.com:0/1", "10.0.0.256", "10.0.0:0/1",
        "10.0.0.1:0", "10.0.0.1:/1", "10.0.0.1:0/", "10.0.0.1:70000/1", "10.0.0.1:0/4294967296",
        "10.0.0.1:0/-1", "::1:0/5", "[::1", "[nothost]:0/1", "[10.0.0.1]:0/1", "v1:10.0.0.1:0/1",
        "10.0.0.1:0/1/2", "fe80::1%eth0"})
    void refusesWhatIsNotAnAddress(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EntityAddr.parse(text));
        assertTrue(e.getMessage().contains("address"), e.getMessage());
        assertTrue(EntityAddr.tryParse(text).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1:0/77", "10.0.0.1:6800/0", "[::1]:0/3"})
    void wholeIpIsPortAndNonceZero(String text) {
        EntityAddr a = EntityAddr.parse(text);
        assertFalse(a.isWholeIp());
        assertTrue(a.wholeIp().isWholeIp());
        assertEquals(a.ip(), a.wholeIp().ip());
        assertEquals(EntityAddr.parse(text.substring(0, text.lastIndexOf(':'))), a.wholeIp(), "a bare IP means ip:0/0");
    }
}
