package io.cairn.mds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.proto.v1.FileLayoutData;
import io.cairn.proto.v1.MdsEvent;
import io.cairn.proto.v1.MdsMetaBlob;
import io.cairn.proto.v1.MdsReply;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmallPartsTest {
    @Test
    void purgeCountsTheObjectsASizeCovers() {
        FileLayoutData plain = Inodes.defaultLayout(1);
        assertEquals(0, Purger.objectCount(0, plain));
        assertEquals(1, Purger.objectCount(1, plain));
        assertEquals(1, Purger.objectCount(4 << 20, plain));
        assertEquals(2, Purger.objectCount((4 << 20) + 1, plain));
        assertEquals(25, Purger.objectCount(100L << 20, plain));
        // 64 KiB units dealt over 4 objects of 1 MiB: 100 KiB touches two of them; 5 MiB fills one set of four
        // and deals its last MiB over all four of the next
        FileLayoutData striped = FileLayoutData.newBuilder().setStripeUnit(64 << 10).setStripeCount(4)
                .setObjectSize(1 << 20).build();
        assertEquals(2, Purger.objectCount(100 << 10, striped));
        assertEquals(4, Purger.objectCount(1 << 20, striped));
        assertEquals(8, Purger.objectCount(5L << 20, striped));
        assertEquals(5, Purger.objectCount((4L << 20) + 1, striped));
    }

    @Test
    void segmentsCloseAfterTheirEventsAndExpireOldestFirst() {
        LogSegments s = new LogSegments(2);
        MdsMetaBlob touchA = MdsMetaBlob.newBuilder().addCreatedDirs(10).build();
        for (long pos = 0; pos < 5; pos++) {
            s.onEvent(pos * 100, touchA);
        }
        assertEquals(3, s.count());
        assertEquals(1, s.overflow(2));
        assertEquals(200, s.startAfter(1, 999));
        assertEquals(2, s.closedCount());
        s.closeCurrent();
        assertEquals(3, s.closedCount());
        assertEquals(999, s.startAfter(3, 999));
        s.dropOldest(3);
        s.onEvent(1000, touchA);
        assertEquals(1, s.count());
        assertEquals(List.of(10L), List.copyOf(s.oldest(1).get(0).dirtyDirs));
    }

    @Test
    void completedRequestsAreForgottenBelowTheOldestTidAndBeyondTheMaximum() {
        SessionTable t = new SessionTable(3);
        for (long tid = 1; tid <= 5; tid++) {
            t.record(MdsEvent.newBuilder().setClientId(9).setTid(tid).setReply(MdsReply.newBuilder().setTid(tid)).build());
        }
        assertNull(t.completed(9, 2), "beyond the maximum the oldest go");
        assertEquals(5, t.completed(9, 5).getTid());
        t.record(MdsEvent.newBuilder().setClientId(9).setTid(6).setOldestClientTid(5).build());
        assertNull(t.completed(9, 4));
        assertEquals(5, t.completed(9, 5).getTid());
        assertNull(t.completed(8, 5), "per client");
        t.record(MdsEvent.newBuilder().setClientId(1).setTid(0).build());
        assertEquals(1, t.clients(), "tid 0 is not a client request");
    }

    @Test
    void aWindowRunsManyTasksThatCompleteAtOnceAndReportsAFailure() {
        java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
        List<java.util.function.Supplier<java.util.concurrent.CompletableFuture<?>>> tasks = new java.util.ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            tasks.add(() -> java.util.concurrent.CompletableFuture.completedFuture(ran.incrementAndGet()));
        }
        Window.runAll(tasks, 8).join();
        assertEquals(100_000, ran.get());
        tasks.set(500, () -> java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("boom")));
        var f = Window.runAll(tasks, 8);
        assertTrue(f.isCompletedExceptionally());
        assertEquals(200_000 - 1, ran.get(), "the others still ran");
    }

    @Test
    void objectNamesAreCephs() {
        assertEquals("10000000000.00000000", MdsObjects.dir(MdsObjects.firstIno(0)));
        assertEquals("10000000000.0000001a", MdsObjects.dataObject(1L << 40, 26));
        assertEquals("mds0_journal", MdsObjects.journal(0));
        assertEquals(0x20000000000L, MdsObjects.firstIno(1));
        assertEquals(255L, MdsObjects.inoOfKey(MdsObjects.inoKey(255)));
        assertTrue(MdsObjects.inoKey(2).compareTo(MdsObjects.inoKey(16)) < 0);
    }
}
