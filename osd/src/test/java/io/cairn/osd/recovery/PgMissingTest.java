package io.cairn.osd.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.osd.peering.ObjectName;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PgMissingTest {
    private static ObjectName o(String name) {
        return new ObjectName("", name, "");
    }

    @Test
    void eachMemberIsCompleteOnceWhenItsLastObjectArrives() {
        PgMissing m = new PgMissing(2);
        m.add(0, List.of(o("a"), o("b")), false);
        m.add(1, List.of(o("b")), false);
        assertEquals(Set.of(0, 1), m.whoLacks(o("b")));
        assertEquals(3, m.copiesMissing());
        assertEquals(List.of(), m.recovered(o("a")));
        assertEquals(List.of(0, 1), m.recovered(o("b")));
        assertEquals(List.of(), m.recovered(o("b")), "an object copied twice completes nobody twice");
        assertTrue(m.isEmpty());
        assertEquals(0, m.copiesMissing());
    }

    @Test
    void backgroundCopiesSkipClaimedObjectsAndHonourTheRecoveryFlags() {
        PgMissing m = new PgMissing(0);
        m.add(1, List.of(o("log-1"), o("log-2")), false);
        m.add(2, List.of(o("fill-1")), true);
        assertEquals(Optional.of(o("log-1")), m.claimNext(false, false));
        assertEquals(Optional.of(o("log-2")), m.claimNext(false, false), "a claimed object is not handed out again");
        assertEquals(Optional.of(o("fill-1")), m.claimNext(true, false), "norecover leaves backfill running");
        m.release(o("fill-1"));
        assertEquals(Optional.empty(), m.claimNext(false, true), "the rest is claimed or paused by nobackfill");
        m.release(o("log-1"));
        assertEquals(Optional.of(o("log-1")), m.claimNext(false, true));
        assertTrue(m.anyBackfill());
    }
}
