package io.cairn.common.osdmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.crush.CrushMapBuilder;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Which client addresses a map's blocklist fences, and when. */
class OsdMapBlocklistTest {
    private static final long NOW = 1_000_000;
    private static final OsdMap EMPTY = OsdMap.initial("fsid-1", 0, CrushMapBuilder.newDefault().build());

    @Test
    void anExactEntryFencesThatClientOnly() {
        OsdMap m = EMPTY.toBuilder().blocklistAdd("10.0.0.1:0/42", NOW + 1).build(1);
        assertTrue(m.isBlocklisted("10.0.0.1:0/42", NOW));
        assertFalse(m.isBlocklisted("10.0.0.1:0/43", NOW), "another handle on the same host");
        assertFalse(m.isBlocklisted("10.0.0.2:0/42", NOW), "the same nonce on another host");
        assertFalse(m.isBlocklisted("", NOW), "a request that names no address");
    }

    @Test
    void aWholeIpEntryFencesEveryClientOnIt() {
        OsdMap m = EMPTY.toBuilder().blocklistAdd("10.0.0.1:0/0", NOW + 1).blocklistAdd("[::1]:0/0", NOW + 1).build(1);
        assertTrue(m.isBlocklisted("10.0.0.1:0/42", NOW));
        assertTrue(m.isBlocklisted("10.0.0.1:0/7", NOW));
        assertTrue(m.isBlocklisted("10.0.0.1:6800/7", NOW));
        assertTrue(m.isBlocklisted("10.0.0.1:0/0", NOW));
        assertFalse(m.isBlocklisted("10.0.0.10:0/42", NOW), "a longer IP with the same prefix");
        assertTrue(m.isBlocklisted("[::1]:0/9", NOW));
        assertFalse(m.isBlocklisted("garbage", NOW), "an address that does not parse matches nothing here");
    }

    @Test
    void anExpiredEntryNoLongerFences() {
        OsdMap m = EMPTY.toBuilder().blocklistAdd("10.0.0.1:0/42", NOW).blocklistAdd("10.0.0.2:0/0", NOW).build(1);
        assertTrue(m.isBlocklisted("10.0.0.1:0/42", NOW - 1));
        assertFalse(m.isBlocklisted("10.0.0.1:0/42", NOW), "the entry lapses at its expiry");
        assertFalse(m.isBlocklisted("10.0.0.2:0/5", NOW));
        assertEquals(2, m.blocklist().size(), "expired entries stay until the monitors remove them");
    }

    @Test
    void builderAddsReTimesAndRemoves() {
        OsdMap m = EMPTY.toBuilder().blocklistAdd("10.0.0.1:0/42", NOW).build(1);
        OsdMap later = m.toBuilder().blocklistAdd("10.0.0.1:0/42", NOW + 5).build(2);
        assertEquals(Map.of("10.0.0.1:0/42", NOW + 5), later.blocklist());
        OsdMap gone = later.toBuilder().blocklistRemove("10.0.0.1:0/42").blocklistRemove("10.9.9.9:0/0").build(3);
        assertTrue(gone.blocklist().isEmpty());
        assertEquals(new TreeMap<String, Long>(), gone.blocklist());
        assertThrows(IllegalStateException.class, () -> EMPTY.toBuilder().blocklistAdd("10.0.0.1", NOW),
                "keys are canonical (10.0.0.1:0/0), so one address has one entry");
        assertThrows(IllegalArgumentException.class, () -> EMPTY.toBuilder().blocklistAdd("host:0/1", NOW));
    }

    @Test
    void theBlocklistIsPartOfTheMapsEquality() {
        OsdMap a = EMPTY.toBuilder().blocklistAdd("10.0.0.1:0/42", NOW).build(1);
        OsdMap b = EMPTY.toBuilder().blocklistAdd("10.0.0.1:0/42", NOW + 1).build(1);
        OsdMap c = EMPTY.toBuilder().build(1);
        assertNotEquals(a, b);
        assertNotEquals(a, c);
        assertEquals(a, EMPTY.toBuilder().blocklistAdd("10.0.0.1:0/42", NOW).build(1));
    }
}
