package io.cairn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.OpLog.Entry;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Objecter resends to the new primary after ESTALE, and keeps one object's ops in order across resends. */
@Timeout(60)
class ObjecterResendTest {
    /** Long enough never to fire in these tests: the fakes answer at once. */
    private static final Duration OP_TIMEOUT = Duration.ofSeconds(20);
    private static final long WAIT_SECONDS = 10;

    private FakeCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void estaleWithANewerEpochIsResentToTheNewPrimaryOnce() {
        cluster = new FakeCluster(2);
        int oldEpoch = cluster.mon().latest().epoch();
        // osd.0 has already seen the map that moves the pool to osd.1, and says so
        cluster.osd(0).policy((req, osd) -> {
            OsdMap moved = cluster.mon().latest().epoch() == oldEpoch ? cluster.movePoolTo(1) : cluster.mon().latest();
            return FakeOsd.reply(ErrorCode.ESTALE, "osd.0 is not the primary in epoch " + moved.epoch(), moved.epoch());
        });
        try (Rados rados = cluster.connect(OP_TIMEOUT); IoCtx io = rados.ioCtx(FakeCluster.POOL)) {
            assertEquals(oldEpoch, rados.map().epoch());
            long version = io.writeFull("moving", text("payload"));

            List<Entry> log = cluster.log().entries();
            assertEquals(2, log.size(), "one try at the old primary, one at the new: " + log);
            Entry stale = log.get(0);
            Entry served = log.get(1);
            assertEquals(0, stale.osd());
            assertEquals(ErrorCode.ESTALE, stale.answer());
            assertEquals(oldEpoch, stale.epoch(), "the first try carried the client's old epoch");
            assertEquals(1, served.osd(), "resent to the primary of the new map");
            assertEquals(ErrorCode.OK, served.answer());
            assertEquals(oldEpoch + 1, served.epoch(), "the resend carries the refreshed epoch");
            assertEquals(stale.tid(), served.tid(), "a resend keeps its tid, so the OSD can spot a duplicate");
            assertEquals(stale.client(), served.client());
            assertEquals(served.version(), version, "the caller gets the version the new primary assigned");
            assertEquals("payload", cluster.osd(1).store().data("moving").toString(StandardCharsets.UTF_8));
            assertEquals(oldEpoch + 1, rados.map().epoch(), "the client keeps the newer map");
        }
    }

    /**
     * A on object "a" is held by the OSD (answered {@code first}) until an op on another object has
     * been served; B on "a" is submitted while A is being resent.
     */
    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"EAGAIN", "ESTALE"})
    void laterOpOnTheSameObjectWaitsForTheResentOneButOtherObjectsDoNot(ErrorCode first) throws Exception {
        cluster = new FakeCluster(1);
        CountDownLatch aArrived = new CountDownLatch(1);
        AtomicBoolean otherServed = new AtomicBoolean();
        cluster.osd(0).policy((req, osd) -> {
            String object = req.getOloc().getName();
            if (object.equals("a") && OpLog.payload(req).equals("A") && !otherServed.get()) {
                aArrived.countDown();
                return FakeOsd.reply(first, "hold A", req.getEpoch());
            }
            if (object.equals("c")) {
                otherServed.set(true);
            }
            return osd.store().apply(req);
        });
        try (Rados rados = cluster.connect(OP_TIMEOUT); IoCtx io = rados.ioCtx(FakeCluster.POOL)) {
            CompletableFuture<Long> a = io.writeFullAsync("a", text("A"));
            assertTrue(aArrived.await(WAIT_SECONDS, TimeUnit.SECONDS), "A reached the OSD");
            CompletableFuture<Long> b = io.writeFullAsync("a", text("B"));
            long c = io.writeFull("c", text("C"));
            long va = a.get(WAIT_SECONDS, TimeUnit.SECONDS);
            long vb = b.get(WAIT_SECONDS, TimeUnit.SECONDS);

            OpLog log = cluster.log();
            int aHeld = log.firstIndex(e -> e.payload().equals("A") && e.answer() == first);
            int aDone = log.lastIndex(e -> e.payload().equals("A") && e.answer() == ErrorCode.OK);
            int bFirst = log.firstIndex(e -> e.payload().equals("B"));
            int cDone = log.firstIndex(e -> e.payload().equals("C") && e.answer() == ErrorCode.OK);
            assertTrue(aHeld >= 0 && aDone > aHeld, "A was answered " + first + " and then resent: " + log.entries());
            assertTrue(bFirst > aDone, "B reached the OSD only after A completed: " + log.entries());
            assertTrue(cDone > aHeld && cDone < aDone, "C went out while A was still being resent: " + log.entries());
            assertEquals(1, log.entries().stream().filter(e -> e.payload().equals("B")).count(), "B sent once");
            assertEquals(1, log.entries().stream().filter(e -> e.payload().equals("A")
                    && e.answer() == ErrorCode.OK).count(), "A applied once");
            assertTrue(c < va && va < vb, "versions follow the order the OSD applied them: C " + c + ", A " + va
                    + ", B " + vb);
            assertEquals("B", cluster.osd(0).store().data("a").toString(StandardCharsets.UTF_8), "B landed last");
        }
    }
}
