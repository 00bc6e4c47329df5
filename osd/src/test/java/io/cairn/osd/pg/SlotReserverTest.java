package io.cairn.osd.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.osdmap.PgId;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotReserverTest {
    private static final PgId A = new PgId(1, 0);
    private static final PgId B = new PgId(1, 1);
    private static final PgId C = new PgId(2, 5);

    @Test
    void atMostMaxBackfillsPgsHoldASlotAndEachIsReleasedOnce() {
        SlotReserver<PgId> r = new SlotReserver<>(2);
        assertTrue(r.tryReserve(A, 0, 10));
        assertTrue(r.tryReserve(A, 0, 11), "asking again while holding is a yes, not a second slot");
        assertTrue(r.tryReserve(B, 1, 10));
        assertFalse(r.tryReserve(C, 2, 10), "osd_max_backfills 2: the third waits");
        assertEquals(2, r.inUse());
        assertTrue(r.release(A));
        assertFalse(r.release(A), "released exactly once");
        assertTrue(r.tryReserve(C, 2, 12));
        assertThrows(IllegalArgumentException.class, () -> new SlotReserver<PgId>(0));
    }

    @Test
    void slotsOfPrimariesThatNoLongerLeadThePgAreReleased() {
        SlotReserver<PgId> r = new SlotReserver<>(3);
        r.tryReserve(A, 0, 10);
        r.tryReserve(B, 1, 10);
        assertEquals(List.of(B), r.releaseIf((pg, h) -> h.primary() == 1));
        assertEquals(1, r.inUse());
        assertTrue(r.tryReserve(B, 4, 20));
    }
}
