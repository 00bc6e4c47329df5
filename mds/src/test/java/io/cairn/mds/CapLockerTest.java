package io.cairn.mds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.fs.Caps;
import io.cairn.mds.CapLocker.Action;
import io.cairn.mds.CapLocker.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scripted histories of one file's caps between clients: grants, revocations, acks, releases, evictions. */
class CapLockerTest {
    private static final long INO = 0x10000000001L;
    private static final long A = 1;
    private static final long B = 2;
    private static final int WRITER = Caps.WANT_WRITE | Caps.WANT_READ;
    private static final int MIXED_WRITER = Caps.parse("pAsXsFrw");
    private static final CapLocker.Settings NO_EVICT = new CapLocker.Settings(60_000, 0, 1_000_000);

    private final CapLocker locker = new CapLocker(0);

    private List<Action> want(long client, int caps, long nowMs) {
        return locker.step(new Event.Want(client, INO, caps), nowMs);
    }

    @Test
    void aLoneWriterGetsEverythingItWants() {
        assertEquals(List.of(new Action.Grant(A, INO, WRITER, 1)), want(A, WRITER, 0));
        assertEquals("pAsxXsxFsxcrwb", Caps.toString(locker.issued(A, INO)));
    }

    @Test
    void aReaderWaitsForTheWritersRevocationThenBothShareAndTheWriterGetsAllBackWhenTheReaderCloses() {
        want(A, WRITER, 0);
        List<Action> r = want(B, Caps.WANT_READ, 10);
        assertEquals(List.of(new Action.Revoke(A, INO, MIXED_WRITER, 2), new Action.Grant(B, INO, Caps.PIN, 1)), r,
                "the writer loses buffer, cache, exclusive and shared file caps; the reader gets only the pin yet");
        assertEquals(Caps.PIN, locker.issued(B, INO));
        assertEquals(List.of(new Action.Grant(B, INO, Caps.parse("pFr"), 2)),
                locker.step(new Event.Ack(A, INO, 2, MIXED_WRITER), 20));
        assertFalse(CapLocker.conflict(locker.issued(A, INO), locker.issued(B, INO)));
        assertEquals(List.of(new Action.Grant(A, INO, WRITER, 3)), want(B, 0, 30), "re-granted once alone");
    }

    @Test
    void readersShareCachingCaps() {
        want(A, Caps.WANT_READ, 0);
        assertEquals(List.of(new Action.Grant(B, INO, Caps.WANT_READ, 1)), want(B, Caps.WANT_READ, 1));
        assertEquals(Caps.WANT_READ, locker.issued(A, INO));
    }

    @Test
    void aStaleAckIsIgnoredAndAClientGoneReleasesWhatItHeld() {
        want(A, WRITER, 0);
        want(B, Caps.WANT_READ, 10);
        assertEquals(List.of(), locker.step(new Event.Ack(A, INO, 1, MIXED_WRITER), 11), "an ack of an old seq");
        assertEquals(WRITER, locker.issued(A, INO), "still held until the right ack");
        assertEquals(List.of(new Action.Grant(B, INO, Caps.WANT_READ, 2)), locker.step(new Event.ClientGone(A), 12),
                "the writer is gone: the reader, alone, may cache");
        assertEquals(0, locker.issued(A, INO));
    }

    @Test
    void aLateReleaseIsReportedAndEvictedOnlyWhenATimeoutIsSet() {
        want(A, WRITER, 0);
        want(B, Caps.WANT_READ, 1_000);
        assertEquals(List.of(), locker.late(60_000));
        assertEquals(List.of(), locker.tick(70_000, NO_EVICT), "mds_cap_revoke_eviction_timeout 0: never");
        List<CapLocker.LateRelease> late = locker.late(60_000);
        assertEquals(1, late.size());
        assertEquals(A, late.get(0).client());
        assertEquals("AxXxFsxcb", Caps.toString(late.get(0).revoking()), "what the writer has yet to give up");
        CapLocker.Settings evict = new CapLocker.Settings(60_000, 30_000, 1_000_000);
        List<Action> t = locker.tick(70_000, evict);
        assertEquals(1, t.size());
        assertTrue(t.get(0) instanceof Action.Evict e && e.client() == A, t.toString());
        assertEquals(List.of(), locker.tick(71_000, evict), "asked once");
    }

    @Test
    void twoWritersMixAndNeitherBuffersOrCaches() {
        want(A, WRITER, 0);
        want(B, WRITER, 1);
        locker.step(new Event.Ack(A, INO, 2, MIXED_WRITER), 2);
        assertEquals(MIXED_WRITER, locker.issued(A, INO));
        assertEquals(MIXED_WRITER, locker.issued(B, INO));
        assertEquals(java.util.Map.of(A, 1, B, 1), locker.capsPerClient());
    }

    @Test
    void aReconnectingClientKeepsWhatItHeldAndOthersSettleAroundIt() {
        // a new MDS: A says it holds the writer's caps, B (a reader) comes back holding nothing yet
        assertEquals(List.of(new Action.Grant(A, INO, WRITER, 1)),
                locker.step(new Event.Reclaim(A, INO, WRITER, WRITER), 0));
        List<Action> b = locker.step(new Event.Reclaim(B, INO, Caps.WANT_READ, 0), 1);
        assertTrue(b.contains(new Action.Revoke(A, INO, MIXED_WRITER, 2)), b.toString());
        assertEquals(Caps.PIN, locker.issued(B, INO), "B waits for A's revocation as it would have before");
    }
}
