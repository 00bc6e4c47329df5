package io.cairn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.client.OpLog.Entry;
import io.cairn.common.ErrorCode;
import io.cairn.proto.v1.OpRead;
import io.cairn.proto.v1.OpRequest;
import io.cairn.proto.v1.OpWriteFull;
import io.cairn.proto.v1.OsdOp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An op the OSD keeps refusing (EAGAIN) or that cannot reach its OSD is resent with backoff and
 * fails with {@link RadosException.Timeout} once {@code rados_osd_op_timeout} has passed, never at
 * once; one that finds a reachable primary in a newer map completes there.
 */
@Timeout(60)
class ObjecterTimeoutTest {
    private static final Duration OP_TIMEOUT = Duration.ofSeconds(1);
    /** Far above the op timeout: only a hang would exceed it, never a slow machine. */
    private static final Duration FAIL_WITHIN = OP_TIMEOUT.plusSeconds(15);
    /**
     * Backoff doubling from 50 ms fits at most 5 tries into 1 s (at 0, 50, 150, 350, 750 ms); a
     * retry without backoff would make about 20.
     */
    private static final int ATTEMPTS_MAX = 10;
    private static final long WAIT_SECONDS = 10;

    private FakeCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void eagainForeverFailsWithTimeoutAfterBoundedRetries() {
        cluster = new FakeCluster(1);
        cluster.osd(0).policy((req, osd) -> FakeOsd.reply(ErrorCode.EAGAIN, "pg 1.0 is peering", req.getEpoch()));
        try (Rados rados = cluster.connect(OP_TIMEOUT); IoCtx io = rados.ioCtx(FakeCluster.POOL)) {
            long start = System.nanoTime();
            RadosException.Timeout e = assertThrows(RadosException.Timeout.class,
                    () -> io.writeFull("busy", new byte[] {1}));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertEquals(ErrorCode.ETIMEDOUT, e.code());
            assertTrue(e.getMessage().contains("pg 1.0 is peering"), "says what it last heard: " + e.getMessage());
            assertTrue(took.compareTo(OP_TIMEOUT) >= 0, "not before the op timeout: " + took);
            assertTrue(took.compareTo(FAIL_WITHIN) < 0, "soon after the op timeout: " + took);
            List<Entry> tries = cluster.log().onObject("busy");
            assertTrue(tries.size() > 1, "resent after EAGAIN: " + tries.size() + " tries");
            assertTrue(tries.size() <= ATTEMPTS_MAX, "backed off: " + tries.size() + " tries");
            assertTrue(tries.stream().allMatch(t -> t.tid() == tries.get(0).tid()), "every try is the same op");
        }
    }

    /**
     * A small op goes on the OSD's stream, which has no deadline of its own: an OSD that takes it
     * and never answers (frozen) still fails it at the op timeout, and the stream serves the next.
     */
    @Test
    void anOpNeverAnsweredOnTheStreamFailsAtTheOpTimeout() throws Exception {
        cluster = new FakeCluster(1);
        try (Rados rados = cluster.connect(OP_TIMEOUT); IoCtx io = rados.ioCtx(FakeCluster.POOL)) {
            io.writeFull("before", new byte[] {1});
            cluster.osd(0).policy((req, osd) -> req.getOloc().getName().equals("frozen") ? null : osd.store().apply(req));
            long start = System.nanoTime();
            RadosException.Timeout e = assertThrows(RadosException.Timeout.class,
                    () -> Await.result(io.writeFullAsync("frozen", new byte[] {2}), FAIL_WITHIN));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(e.getMessage().contains("did not answer in time"), e.getMessage());
            assertTrue(took.compareTo(OP_TIMEOUT) >= 0, "not before the op timeout: " + took);
            io.writeFull("after", new byte[] {3});
            assertEquals(1, cluster.osd(0).store().data("after").size());
        }
    }

    @Test
    void smallOpsGoOnTheStreamAndBulkDataGetsACallOfItsOwn() {
        OpRequest small = OpRequest.newBuilder().addOps(OsdOp.newBuilder()
                .setWriteFull(OpWriteFull.newBuilder().setData(ByteString.copyFrom(new byte[4096])))).build();
        OpRequest big = small.toBuilder().setOps(0, OsdOp.newBuilder().setWriteFull(OpWriteFull.newBuilder()
                .setData(ByteString.copyFrom(new byte[Objecter.STREAM_OP_BYTES_MAX + 1])))).build();
        OpRequest wholeRead = small.toBuilder().setOps(0, OsdOp.newBuilder().setRead(OpRead.newBuilder().setLength(0)))
                .build();
        OpRequest smallRead = small.toBuilder().setOps(0, OsdOp.newBuilder()
                .setRead(OpRead.newBuilder().setLength(4096))).build();
        assertTrue(Objecter.streamable(small));
        assertTrue(Objecter.streamable(smallRead));
        assertFalse(Objecter.streamable(big));
        assertFalse(Objecter.streamable(wholeRead), "a read of the whole object may bring any size back");
    }

    @Test
    void osdShutDownIsRetriedUntilTheTimeout() throws Exception {
        cluster = new FakeCluster(1);
        try (Rados rados = cluster.connect(OP_TIMEOUT); IoCtx io = rados.ioCtx(FakeCluster.POOL)) {
            io.writeFull("before", new byte[] {1});
            cluster.osd(0).close();
            int refreshesBefore = cluster.mon().getMapCalls();
            long start = System.nanoTime();
            CompletableFuture<Long> f = io.writeFullAsync("after", new byte[] {2});
            RadosException.Timeout e = assertThrows(RadosException.Timeout.class, () -> Await.result(f, FAIL_WITHIN));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
            assertTrue(took.compareTo(OP_TIMEOUT) >= 0, "kept trying until the op timeout: " + took);
            assertTrue(cluster.mon().getMapCalls() - refreshesBefore > 1,
                    "each failed try refreshed the map before the next");
            assertTrue(cluster.log().onObject("after").isEmpty(), "nothing reached the stopped OSD");
        }
    }

    @Test
    void unreachablePrimaryIsLeftForTheOneInANewerMap() throws Exception {
        cluster = new FakeCluster(2);
        cluster.osd(0).close();
        try (Rados rados = cluster.connect(Duration.ofSeconds(20)); IoCtx io = rados.ioCtx(FakeCluster.POOL)) {
            int refreshesBefore = cluster.mon().getMapCalls();
            CompletableFuture<Long> f = io.writeFullAsync("moving", "payload".getBytes(StandardCharsets.UTF_8));
            assertTrue(cluster.mon().awaitGetMapCallsAbove(refreshesBefore + 1, Duration.ofSeconds(WAIT_SECONDS)),
                    "the client retried the dead OSD, refreshing its map each time");
            assertFalse(f.isDone(), "a transport failure is not the op's failure");
            cluster.movePoolTo(1);
            long version = f.get(WAIT_SECONDS, TimeUnit.SECONDS);

            List<Entry> served = cluster.log().onObject("moving");
            assertEquals(1, served.size(), "applied once, on the new primary: " + served);
            assertEquals(1, served.get(0).osd());
            assertEquals(served.get(0).version(), version);
        }
    }
}
