package io.cairn.osd.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.net.HostPort;
import io.cairn.common.net.Messenger;
import io.cairn.common.osdmap.OsdInfo;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.time.Clock;
import io.cairn.crush.CrushMapBuilder;
import io.cairn.osd.net.PeerChannels;
import io.cairn.proto.v1.OsdServiceGrpc;
import io.cairn.proto.v1.RepOpReply;
import io.cairn.proto.v1.RepOpRequest;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Replica writes over one stream per peer: replies by tid, refusals, broken streams, timeouts, moves. */
class ReplicatorTest {
    private static final long TIMEOUT_MS = 30_000;

    /** A peer that holds every replica write it receives until the test answers it. */
    private static final class FakePeer extends OsdServiceGrpc.OsdServiceImplBase implements AutoCloseable {
        final LinkedBlockingQueue<RepOpRequest> received = new LinkedBlockingQueue<>();
        final List<StreamObserver<RepOpReply>> streams = new ArrayList<>();
        private StreamObserver<RepOpReply> last;
        final Server server;

        FakePeer() throws IOException {
            server = Messenger.serverOnNetworkThreads(new HostPort("127.0.0.1", 0), 8 << 20).addService(this).build()
                    .start();
        }

        String address() {
            return "127.0.0.1:" + server.getPort();
        }

        @Override
        public StreamObserver<RepOpRequest> repOpStream(StreamObserver<RepOpReply> out) {
            synchronized (this) {
                streams.add(out);
                last = out;
            }
            return new StreamObserver<>() {
                @Override
                public void onNext(RepOpRequest r) {
                    received.add(r);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            };
        }

        RepOpRequest next() throws InterruptedException {
            RepOpRequest r = received.poll(10, TimeUnit.SECONDS);
            assertTrue(r != null, "the peer got no replica write");
            return r;
        }

        synchronized void answer(RepOpRequest r, int code) {
            last.onNext(RepOpReply.newBuilder().setTid(r.getTid()).setCode(code).setMessage(code == 0 ? "" : "no").build());
        }

        @Override
        public void close() throws InterruptedException {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** A clock the test moves by hand. */
    private static final class ManualClock implements Clock {
        final AtomicLong nowMs = new AtomicLong(1_000);

        @Override
        public long monotonicMs() {
            return nowMs.get();
        }

        @Override
        public long wallMs() {
            return nowMs.get();
        }
    }

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ManualClock clock = new ManualClock();
    private PeerChannels channels;
    private Replicator replicator;

    @AfterEach
    void close() throws Exception {
        if (replicator != null) {
            replicator.close();
        }
        if (channels != null) {
            channels.close();
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private FakePeer peer() throws IOException {
        FakePeer p = new FakePeer();
        closing.add(p);
        return p;
    }

    private Replicator replicator() {
        channels = new PeerChannels(8 << 20, TIMEOUT_MS);
        replicator = new Replicator(channels, clock, () -> TIMEOUT_MS);
        return replicator;
    }

    /** A map in which osd.1 listens at {@code address}. */
    private static OsdMap mapWith(String address, int epoch) {
        CrushMapBuilder crush = CrushMapBuilder.newDefault();
        int host = crush.addHost("h1", crush.idOf("default"));
        crush.addDevice(1, "osd.1", "hdd").link(1, host, OsdInfo.WEIGHT_IN);
        return OsdMap.initial("fsid-replicator-test", 0, crush.build()).toBuilder()
                .putOsd(new OsdInfo(1, "uuid-1", true, true, OsdInfo.WEIGHT_IN, address, 1, 0, 0, 0, "h1", false, false))
                .build(epoch);
    }

    private RepOpRequest write(String name) {
        return RepOpRequest.newBuilder().setPool(1).setReqid(name).setTid(replicator.nextTid()).build();
    }

    private static ErrorCode codeOf(CompletableFuture<Void> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
            return ErrorCode.OK;
        } catch (java.util.concurrent.ExecutionException e) {
            return ((CairnException) e.getCause()).code();
        } catch (Exception e) {
            throw new AssertionError("the write did not complete", e);
        }
    }

    @Test
    void writesOnOneStreamCompleteByTidInAnyOrderAndARefusalFailsOnlyItsWrite() throws Exception {
        FakePeer p = peer();
        Replicator r = replicator();
        OsdMap map = mapWith(p.address(), 2);
        CompletableFuture<Void> a = r.send(map, 1, write("a"));
        CompletableFuture<Void> b = r.send(map, 1, write("b"));
        CompletableFuture<Void> c = r.send(map, 1, write("c"));
        RepOpRequest ra = p.next();
        RepOpRequest rb = p.next();
        RepOpRequest rc = p.next();
        assertEquals(List.of("a", "b", "c"), List.of(ra.getReqid(), rb.getReqid(), rc.getReqid()), "sent in order");
        assertEquals(1, p.streams.size(), "three writes share one stream");
        p.answer(rc, 0);
        assertEquals(ErrorCode.OK, codeOf(c));
        assertFalse(a.isDone() || b.isDone(), "the others still wait");
        p.answer(ra, ErrorCode.ENOENT.code());
        assertEquals(ErrorCode.EAGAIN, codeOf(a), "a refused write fails (the PG peers again)");
        p.answer(rb, 0);
        assertEquals(ErrorCode.OK, codeOf(b));
        assertEquals(0, r.pending());
    }

    @Test
    void aBrokenStreamFailsItsWritesAndTheNextWriteOpensANewOne() throws Exception {
        FakePeer p = peer();
        Replicator r = replicator();
        OsdMap map = mapWith(p.address(), 2);
        CompletableFuture<Void> a = r.send(map, 1, write("a"));
        p.next();
        synchronized (p) {
            p.streams.get(0).onError(io.grpc.Status.UNAVAILABLE.withDescription("peer restarting").asRuntimeException());
        }
        assertEquals(ErrorCode.EAGAIN, codeOf(a));
        CompletableFuture<Void> b = r.send(map, 1, write("b"));
        RepOpRequest rb = p.next();
        assertEquals(2, p.streams.size(), "a new stream");
        p.answer(rb, 0);
        assertEquals(ErrorCode.OK, codeOf(b));
    }

    @Test
    void aWriteUnansweredPastTheTimeoutFailsAloneAndItsLateReplyIsIgnored() throws Exception {
        FakePeer p = peer();
        Replicator r = replicator();
        OsdMap map = mapWith(p.address(), 2);
        CompletableFuture<Void> old = r.send(map, 1, write("old"));
        RepOpRequest rOld = p.next();
        clock.nowMs.addAndGet(TIMEOUT_MS / 2);
        CompletableFuture<Void> young = r.send(map, 1, write("young"));
        RepOpRequest rYoung = p.next();
        clock.nowMs.addAndGet(TIMEOUT_MS / 2);
        r.expire();
        assertEquals(ErrorCode.EAGAIN, codeOf(old));
        assertFalse(young.isDone(), "a write inside its time is left alone");
        p.answer(rOld, 0);
        p.answer(rYoung, 0);
        assertEquals(ErrorCode.OK, codeOf(young));
        assertEquals(1, p.streams.size(), "a timeout does not end the stream");
    }

    @Test
    void aPeerAtANewAddressGetsANewStreamAndTheOldOnesWritesFail() throws Exception {
        FakePeer before = peer();
        FakePeer after = peer();
        Replicator r = replicator();
        CompletableFuture<Void> a = r.send(mapWith(before.address(), 2), 1, write("a"));
        before.next();
        CompletableFuture<Void> b = r.send(mapWith(after.address(), 3), 1, write("b"));
        RepOpRequest rb = after.next();
        assertEquals(ErrorCode.EAGAIN, codeOf(a), "the write to the old address cannot be answered any more");
        after.answer(rb, 0);
        assertEquals(ErrorCode.OK, codeOf(b));
    }

    @Test
    void aPeerWithoutAnAddressOrUnreachableFailsTheWriteAtOnce() throws Exception {
        Replicator r = replicator();
        assertEquals(ErrorCode.EAGAIN, codeOf(r.send(mapWith("", 2), 1, write("a"))));
        FakePeer p = peer();
        String address = p.address();
        p.close();
        CompletableFuture<Void> f = r.send(mapWith(address, 3), 1, write("b"));
        assertEquals(ErrorCode.EAGAIN, codeOf(f));
        assertTrue(f.isCompletedExceptionally());
        try {
            f.join();
        } catch (CompletionException e) {
            assertTrue(e.getCause().getMessage().contains("osd.1 unreachable"), e.getCause().getMessage());
        }
    }
}
