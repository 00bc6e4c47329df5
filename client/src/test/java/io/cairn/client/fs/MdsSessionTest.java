package io.cairn.client.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.RadosException;
import io.cairn.common.ErrorCode;
import io.cairn.common.net.HostPort;
import io.cairn.common.net.Messenger;
import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.FsMapData;
import io.cairn.proto.v1.InodeData;
import io.cairn.proto.v1.MdsDaemonInfo;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsRequest;
import io.cairn.proto.v1.MdsServiceGrpc;
import io.cairn.proto.v1.MkdirOp;
import io.cairn.proto.v1.SessionOp;
import io.cairn.proto.v1.SessionState;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The session against fake MDSs: early and safe replies, resends after a failover, EAGAIN, timeouts. */
class MdsSessionTest {
    private final List<FakeMds> servers = new CopyOnWriteArrayList<>();
    private final AtomicReference<FakeMds> active = new AtomicReference<>();

    /** How a fake MDS answers: early and safe at once, early only (safe never), or EAGAIN. */
    enum Mode { BOTH, EARLY_ONLY, NOT_ACTIVE, SILENT, NO_ENTRY }

    private static final class FakeMds extends MdsServiceGrpc.MdsServiceImplBase {
        final List<MdsRequest> seen = new CopyOnWriteArrayList<>();
        final List<SessionOp> sessionOps = new CopyOnWriteArrayList<>();
        final List<StreamObserver<MdsReply>> streams = new CopyOnWriteArrayList<>();
        final Server server;
        volatile Mode mode;

        FakeMds(Mode mode) throws IOException {
            this.mode = mode;
            server = Messenger.serverOnNetworkThreads(HostPort.parse("127.0.0.1:0"), 1 << 20).addService(this).build().start();
        }

        String addr() {
            return "127.0.0.1:" + server.getPort();
        }

        @Override
        public StreamObserver<MdsRequest> session(StreamObserver<MdsReply> out) {
            streams.add(out);
            return new StreamObserver<>() {
                @Override
                public synchronized void onNext(MdsRequest req) {
                    if (req.hasSession()) {
                        sessionOps.add(req.getSession());
                        if (mode != Mode.NOT_ACTIVE && mode != Mode.SILENT) {
                            out.onNext(MdsReply.newBuilder().setSession(SessionState.newBuilder().setState("open")
                                    .setSeq(req.getSession().getSeq()).setSessionTimeoutS(4)).build());
                        }
                        return;
                    }
                    seen.add(req);
                    MdsReply.Builder r = MdsReply.newBuilder().setTid(req.getTid())
                            .setInode(InodeData.newBuilder().setIno(0x10000000000L + req.getTid()));
                    switch (mode) {
                        case NOT_ACTIVE -> out.onNext(r.setCode(ErrorCode.EAGAIN.code()).setMessage("not active").build());
                        case EARLY_ONLY -> out.onNext(r.setSafe(false).build());
                        case BOTH -> {
                            out.onNext(r.setSafe(false).build());
                            out.onNext(r.setSafe(true).build());
                        }
                        case SILENT -> { }
                        case NO_ENTRY -> out.onNext(r.setCode(ErrorCode.ENOENT.code()).setMessage("no such name").setSafe(true)
                                .build());
                    }
                }

                @Override
                public void onError(Throwable t) { }

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            };
        }
    }

    private FakeMds start(Mode mode) throws IOException {
        FakeMds m = new FakeMds(mode);
        servers.add(m);
        return m;
    }

    private FsMapData map() {
        FakeMds a = active.get();
        FsMapData.Builder b = FsMapData.newBuilder().setEpoch(1);
        Filesystem.Builder fs = Filesystem.newBuilder().setFscid(1).setName("cairnfs");
        if (a != null) {
            fs.putUp(0, 9);
            b.addDaemons(MdsDaemonInfo.newBuilder().setGid(9).setName("a").setAddr(a.addr()).setState("up:active")
                    .setRank(0).setFscid(1));
        }
        return b.addFilesystems(fs).build();
    }

    private static final MdsSession.Identity ID = new MdsSession.Identity("127.0.0.1:0/77", "client.admin", "h1");

    private static MdsRequest.Builder mkdir(String name) {
        return MdsRequest.newBuilder().setMkdir(MkdirOp.newBuilder().setParent(1).setName(name));
    }

    @AfterEach
    void stop() {
        servers.forEach(s -> s.server.shutdownNow());
    }

    @Test
    void aChangeReturnsAtItsEarlyReplyAndSyncWaitsForTheSafeOne() throws Exception {
        FakeMds a = start(Mode.EARLY_ONLY);
        active.set(a);
        MdsSession s = new MdsSession(this::map, "cairnfs", 42, ID, 10_000);
        MdsReply r = s.call(mkdir("x"));
        assertFalse(r.getSafe());
        assertEquals(42, a.seen.get(0).getClientId());
        CompletableFuture<Void> synced = CompletableFuture.runAsync(s::sync);
        Thread.sleep(300);
        assertFalse(synced.isDone(), "sync waits while a change is unsafe");
        // the MDS dies before its journal flush: the session resends the change, same tid, to the next one
        FakeMds b = start(Mode.BOTH);
        active.set(b);
        a.server.shutdownNow();
        synced.get(10, TimeUnit.SECONDS);
        assertEquals(1, b.seen.get(0).getTid());
        assertEquals(42, b.seen.get(0).getClientId());
        s.close();
    }

    @Test
    void aRequestToAnMdsThatIsNotActiveGoesToTheActiveOne() throws Exception {
        FakeMds a = start(Mode.NOT_ACTIVE);
        FakeMds b = start(Mode.BOTH);
        active.set(a);
        MdsSession s = new MdsSession(this::map, "cairnfs", 7, ID, 10_000);
        CompletableFuture<MdsReply> r = CompletableFuture.supplyAsync(() -> s.call(mkdir("y")));
        Thread.sleep(300);
        assertFalse(r.isDone());
        active.set(b);
        assertEquals(0x10000000001L, r.get(10, TimeUnit.SECONDS).getInode().getIno());
        assertTrue(a.seen.size() >= 1);
        assertEquals(a.seen.get(0).getTid(), b.seen.get(0).getTid());
        s.sync();
        s.close();
    }

    @Test
    void errorsArriveAsTheirCodesAndAnUnansweredRequestTimesOut() throws Exception {
        FakeMds a = start(Mode.BOTH);
        active.set(a);
        MdsSession s = new MdsSession(this::map, "cairnfs", 8, ID, 10_000);
        s.call(mkdir("ok"));
        a.mode = Mode.NO_ENTRY;
        RadosException missing = assertThrows(RadosException.NotFound.class, () -> s.call(mkdir("gone")));
        assertEquals("no such name", missing.getMessage());
        a.mode = Mode.SILENT;
        MdsSession quick = new MdsSession(this::map, "cairnfs", 9, ID, 500);
        assertThrows(RadosException.Timeout.class, () -> quick.call(mkdir("never")));
        quick.close();
        s.close();
    }

    @Test
    void withNoActiveMdsARequestTimesOut() {
        MdsSession s = new MdsSession(this::map, "cairnfs", 10, ID, 600);
        RadosException e = assertThrows(RadosException.Timeout.class, () -> s.call(mkdir("z")));
        assertTrue(e.getMessage().contains("no active MDS"), e.getMessage());
        s.close();
    }

    /** Polls {@code done} until it holds or {@code seconds} pass; its last answer. */
    private static boolean within(int seconds, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Test
    void everyStreamOpensTheSessionWhichIsRenewedWhileIdleAndClosedAtUnmount() throws Exception {
        FakeMds a = start(Mode.BOTH);
        active.set(a);
        MdsSession s = new MdsSession(this::map, "cairnfs", 11, ID, 10_000);
        s.call(mkdir("a"));
        assertEquals(SessionOp.Kind.OPEN, a.sessionOps.get(0).getKind());
        assertEquals("127.0.0.1:0/77", a.sessionOps.get(0).getAddr());
        // session_timeout 4 s (from the MDS's answer): renewals about every second, with no requests
        assertTrue(within(10, () -> a.sessionOps.stream().filter(o -> o.getKind() == SessionOp.Kind.RENEW).count() >= 2),
                "renewed: " + a.sessionOps);
        s.close();
        within(10, () -> a.sessionOps.stream().anyMatch(o -> o.getKind() == SessionOp.Kind.CLOSE));
        assertEquals(SessionOp.Kind.CLOSE, a.sessionOps.get(a.sessionOps.size() - 1).getKind(), "closed at unmount");
    }

    @Test
    void anEvictedClientFailsEveryCallWithBlocklistedAndStopsTalking() throws Exception {
        FakeMds a = start(Mode.EARLY_ONLY);
        active.set(a);
        MdsSession s = new MdsSession(this::map, "cairnfs", 12, ID, 10_000);
        s.call(mkdir("a"));
        a.mode = Mode.SILENT;
        CompletableFuture<MdsReply> pending = CompletableFuture.supplyAsync(() -> s.call(mkdir("b")));
        Thread.sleep(200);
        a.streams.get(0).onNext(MdsReply.newBuilder().setSession(SessionState.newBuilder().setState("killing")
                .setMessage("evicted by the operator")).build());
        a.streams.get(0).onCompleted();
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof RadosException.Blocklisted, String.valueOf(e.getCause()));
        assertThrows(RadosException.Blocklisted.class, () -> s.call(mkdir("c")));
        assertThrows(RadosException.Blocklisted.class, s::sync, "the unsafe change will never be safe");
        int opened = (int) a.sessionOps.stream().filter(o -> o.getKind() == SessionOp.Kind.OPEN).count();
        Thread.sleep(1500);
        assertEquals(opened, a.sessionOps.stream().filter(o -> o.getKind() == SessionOp.Kind.OPEN).count(),
                "an evicted client does not reconnect");
        s.close();
    }
}
