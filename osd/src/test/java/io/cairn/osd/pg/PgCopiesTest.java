package io.cairn.osd.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.objectstore.Transaction;
import io.cairn.objectstore.mem.MemStore;
import io.cairn.osd.peering.Eversion;
import io.cairn.osd.peering.PgInfo;
import io.cairn.osd.peering.PgLog;
import io.cairn.proto.v1.ObjectLocator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A member's PG log and info in a store: trimming keeps the tail exact, rewind and reset, dup detection. */
class PgCopiesTest {
    private static final CollectionId COLL = CollectionId.of("1.0");
    private MemStore store;
    private PgCopies copies;

    @BeforeEach
    void setUp() {
        store = new MemStore(64L << 20, 4096, io.cairn.objectstore.StoreLimits.DEFAULT);
        store.mount();
        store.queueTransactions(List.of(new Transaction().createCollection(COLL, HashRange.ALL)
                .touch(COLL, PgCopies.PGMETA))).join();
        copies = new PgCopies(store);
    }

    private static ObjectLocator oloc(long v) {
        return ObjectLocator.newBuilder().setPool(1).setName("o" + (v % 7)).build();
    }

    private void write(int epoch, long from, long to) {
        for (long v = from; v <= to; v++) {
            Transaction t = new Transaction();
            copies.record(t, COLL, new Eversion(epoch, v), oloc(v), false, true, "client.x:" + v, 0, List.of());
            store.queueTransactions(List.of(t)).join();
        }
    }

    @Test
    void trimmingKeepsTheNewestEntriesAndRecordsTheNewestTrimmedAsTail() {
        write(3, 1, 1000);
        write(4, 1001, 3584);
        PgInfo info = copies.info(COLL);
        assertEquals(new Eversion(4, 3584), info.lastUpdate());
        // the trim at version 3584 cut below 584: entry 583 is the newest trimmed
        assertEquals(new Eversion(3, 583), info.logTail());
        PgLog log = copies.log(COLL, info.logTail());
        assertEquals(3584 - 583, log.entries().size());
        assertEquals(new Eversion(3, 584), log.entries().get(0).version());
        assertTrue(log.has(new Eversion(3, 583)), "a member at the tail is covered by the log");
        assertEquals(new Eversion(3, 583), copies.log(COLL, Eversion.ZERO).tail(), "asking for older entries gets the tail");
        assertEquals(3, copies.log(COLL, new Eversion(4, 3581)).entries().size());
    }

    @Test
    void rewindDropsDivergentEntriesAndResetLeavesAnEmptyLogAtTheCopy() {
        write(5, 1, 20);
        Transaction t = new Transaction();
        copies.rewind(t, COLL, new Eversion(5, 12));
        copies.setLastEpochStarted(t, COLL, 9);
        store.queueTransactions(List.of(t)).join();
        PgInfo info = copies.info(COLL);
        assertEquals(new PgInfo(new Eversion(5, 12), Eversion.ZERO, 9, 0), info);
        assertEquals(12, copies.log(COLL, Eversion.ZERO).entries().size());
        t = new Transaction();
        copies.resetLog(t, COLL, new Eversion(9, 40));
        copies.setLastEpochClean(t, COLL, 9);
        store.queueTransactions(List.of(t)).join();
        assertEquals(new PgInfo(new Eversion(9, 40), new Eversion(9, 40), 9, 9), copies.info(COLL));
        assertTrue(copies.log(COLL, Eversion.ZERO).entries().isEmpty());
    }

    @Test
    void theLogRemembersWhichClientRequestMadeEachEntry() {
        write(2, 1, 5);
        List<Map.Entry<String, Long>> reqs = copies.requests(COLL);
        assertEquals(5, reqs.size());
        RecentRequests recent = RecentRequests.fromLog(reqs);
        assertEquals(java.util.Optional.of(3L), recent.find("client.x:3"));
        assertTrue(recent.find("client.y:3").isEmpty());
        for (int i = 0; i < RecentRequests.KEPT + 10; i++) {
            recent.add("client.z:" + i, i);
        }
        assertTrue(recent.find("client.x:1").isEmpty(), "bounded: the oldest are forgotten");
        assertEquals(java.util.Optional.of((long) RecentRequests.KEPT + 9), recent.find("client.z:" + (RecentRequests.KEPT + 9)));
    }

    @Test
    void aLateReplicaWriteIsRecognisedByItsExactEntry() {
        write(4, 1, 3);
        assertTrue(copies.holds(COLL, new Eversion(4, 2)));
        assertFalse(copies.holds(COLL, new Eversion(6, 2)), "the same version from another interval is another write");
        assertFalse(copies.holds(COLL, new Eversion(4, 4)));
        Transaction t = new Transaction();
        copies.rewind(t, COLL, new Eversion(4, 1));
        store.queueTransactions(List.of(t)).join();
        assertFalse(copies.holds(COLL, new Eversion(4, 2)), "a rolled-back write is no longer held");
    }

    @Test
    void aCopyStillRecoveringSaysSoUntilMarkedComplete() {
        write(4, 1, 6);
        Transaction t = new Transaction();
        copies.setLastComplete(t, COLL, new Eversion(4, 3));
        store.queueTransactions(List.of(t)).join();
        write(4, 7, 8);
        PgInfo info = copies.info(COLL);
        assertEquals(new Eversion(4, 3), info.lastComplete(), "new writes do not make it complete");
        assertFalse(info.isComplete());
        t = new Transaction();
        copies.markComplete(t, COLL);
        store.queueTransactions(List.of(t)).join();
        assertTrue(copies.info(COLL).isComplete());
        assertEquals(new Eversion(4, 8), copies.info(COLL).lastComplete());
    }
}
