package io.cairn.osd;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.osd.net.OsdErrors;
import io.cairn.osd.op.ClientOps;
import io.cairn.osd.op.LentBuffers;
import io.cairn.osd.op.ObjectLister;
import io.cairn.osd.op.ReplicaOps;
import io.cairn.osd.peering.driver.PeeringMember;
import io.cairn.osd.pg.MapGate;
import io.cairn.osd.stats.PgCommands;
import io.cairn.proto.v1.AdminReadReply;
import io.cairn.proto.v1.AdminReadRequest;
import io.cairn.proto.v1.BackfillReserveReply;
import io.cairn.proto.v1.BackfillReserveRequest;
import io.cairn.proto.v1.ListReply;
import io.cairn.proto.v1.ListRequest;
import io.cairn.proto.v1.OpReply;
import io.cairn.proto.v1.OpRequest;
import io.cairn.proto.v1.OsdServiceGrpc;
import io.cairn.proto.v1.PgCommandReply;
import io.cairn.proto.v1.PgCommandRequest;
import io.cairn.proto.v1.PgInfoReply;
import io.cairn.proto.v1.PgInfoRequest;
import io.cairn.proto.v1.PgLogReply;
import io.cairn.proto.v1.StrayCheckReply;
import io.cairn.proto.v1.StrayCheckRequest;
import io.cairn.proto.v1.PgLogRequest;
import io.cairn.proto.v1.PingReply;
import io.cairn.proto.v1.PingRequest;
import io.cairn.proto.v1.PullReply;
import io.cairn.proto.v1.PullRequest;
import io.cairn.proto.v1.PushRequest;
import io.cairn.proto.v1.RepOpReply;
import io.cairn.proto.v1.RepOpRequest;
import io.cairn.proto.v1.ScrubMapReply;
import io.cairn.proto.v1.ScrubMapRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The OSD's gRPC surface. Handlers run on the network thread that read the call and only hand it
 * over — to the client-op path, the replica path, or the op pool for everything that reads the
 * store — so they never block it; the reply is sent from whichever thread completes it. A failure becomes the reply's code and message; no call can
 * take the daemon down or go unanswered.
 */
final class OsdService extends OsdServiceGrpc.OsdServiceImplBase {
    private final ClientOps clientOps;
    private final ReplicaOps replicaOps;
    private final ObjectLister lister;
    private final PeeringMember member;
    private final PgCommands pgCommands;
    private final MapGate maps;
    private final Executor opExecutor;
    private final int me;

    OsdService(ClientOps clientOps, ReplicaOps replicaOps, ObjectLister lister, PeeringMember member,
               PgCommands pgCommands, MapGate maps, Executor opExecutor, int me) {
        this.clientOps = clientOps;
        this.replicaOps = replicaOps;
        this.lister = lister;
        this.member = member;
        this.pgCommands = pgCommands;
        this.maps = maps;
        this.opExecutor = opExecutor;
        this.me = me;
    }

    @Override
    public void ping(PingRequest req, StreamObserver<PingReply> out) {
        out.onNext(PingReply.newBuilder().setFrom(me).setEpoch(maps.epoch()).build());
        out.onCompleted();
    }

    @Override
    public void op(OpRequest req, StreamObserver<OpReply> out) {
        LentBuffers lent = new LentBuffers();
        clientOps.handle(req, lent).whenComplete((r, e) -> {
            try {
                send(r, e, out);
            } finally {
                // sending copied the reply out: the store's buffers its data viewed can go back
                lent.closeAll();
            }
        });
    }

    /**
     * A client's small operations, each handled as {@link #op} handles one; replies, naming their
     * tid, go back as each completes. A client that goes away leaves its replies nowhere to go.
     */
    @Override
    public StreamObserver<OpRequest> opStream(StreamObserver<OpReply> out) {
        ServerCallStreamObserver<OpReply> replies = (ServerCallStreamObserver<OpReply>) out;
        return new StreamObserver<>() {
            @Override
            public void onNext(OpRequest req) {
                LentBuffers lent = new LentBuffers();
                clientOps.handle(req, lent).whenComplete((r, e) -> {
                    try {
                        OpReply reply = e == null ? r.toBuilder().setTid(req.getTid()).build()
                                : OpReply.newBuilder().setTid(req.getTid()).setCode(OsdErrors.codeOf(e).code())
                                .setMessage(OsdErrors.messageOf(e)).build();
                        sendOnStream(replies, reply);
                    } finally {
                        // sending copied the reply out: the store's buffers its data viewed can go back
                        lent.closeAll();
                    }
                });
            }

            @Override
            public void onError(Throwable t) {
                // the client went away: it resends what it still wants, elsewhere or here
            }

            @Override
            public void onCompleted() {
                endStream(replies);
            }
        };
    }

    /** One reply on a stream that many threads answer on (a stream observer is not thread-safe). */
    private static <T> void sendOnStream(ServerCallStreamObserver<T> replies, T reply) {
        synchronized (replies) {
            if (!replies.isCancelled()) {
                replies.onNext(reply);
            }
        }
    }

    private static <T> void endStream(ServerCallStreamObserver<T> replies) {
        synchronized (replies) {
            if (!replies.isCancelled()) {
                replies.onCompleted();
            }
        }
    }

    /**
     * Replica writes from one primary: each is applied as it comes, and its reply, naming its tid,
     * goes back as soon as it is durable here, whatever the order. The stream ends when the
     * primary ends it; replies to writes still under way then go nowhere (the primary has failed
     * them already).
     */
    @Override
    public StreamObserver<RepOpRequest> repOpStream(StreamObserver<RepOpReply> out) {
        ServerCallStreamObserver<RepOpReply> replies = (ServerCallStreamObserver<RepOpReply>) out;
        return new StreamObserver<>() {
            @Override
            public void onNext(RepOpRequest req) {
                replicaOps.handle(req).whenComplete((r, e) -> {
                    RepOpReply reply = e == null ? r.toBuilder().setTid(req.getTid()).build()
                            : RepOpReply.newBuilder().setTid(req.getTid()).setCode(OsdErrors.codeOf(e).code())
                            .setMessage(OsdErrors.messageOf(e)).build();
                    sendOnStream(replies, reply);
                });
            }

            @Override
            public void onError(Throwable t) {
                // the primary went away: what it waits for, it has failed on its side
            }

            @Override
            public void onCompleted() {
                endStream(replies);
            }
        };
    }

    @Override
    public void list(ListRequest req, StreamObserver<ListReply> out) {
        offload(() -> lister.list(req), (c, m) -> ListReply.newBuilder().setCode(c).setMessage(m).build(), out);
    }

    @Override
    public void pgInfo(PgInfoRequest req, StreamObserver<PgInfoReply> out) {
        offload(() -> member.pgInfo(req), (c, m) -> PgInfoReply.newBuilder().setCode(c).setMessage(m).build(), out);
    }

    @Override
    public void strayCheck(StrayCheckRequest req, StreamObserver<StrayCheckReply> out) {
        offload(() -> member.strayCheck(req), (c, m) -> StrayCheckReply.newBuilder().setCode(c).setMessage(m).build(),
                out);
    }

    @Override
    public void pgLog(PgLogRequest req, StreamObserver<PgLogReply> out) {
        offload(() -> member.pgLog(req), (c, m) -> PgLogReply.newBuilder().setCode(c).setMessage(m).build(), out);
    }

    @Override
    public void pull(PullRequest req, StreamObserver<PullReply> out) {
        offload(() -> member.pull(req), (c, m) -> PullReply.newBuilder().setCode(c).setMessage(m).build(), out);
    }

    @Override
    public void push(PushRequest req, StreamObserver<RepOpReply> out) {
        offload(() -> member.push(req), (c, m) -> RepOpReply.newBuilder().setCode(c).setMessage(m).build(), out);
    }

    @Override
    public void backfillReserve(BackfillReserveRequest req, StreamObserver<BackfillReserveReply> out) {
        offload(() -> member.backfillReserve(req),
                (c, m) -> BackfillReserveReply.newBuilder().setCode(c).setMessage(m).build(), out);
    }

    @Override
    public void adminRead(AdminReadRequest req, StreamObserver<AdminReadReply> out) {
        offload(() -> lister.adminRead(req), (c, m) -> AdminReadReply.newBuilder().setCode(c).build(), out);
    }

    @Override
    public void scrubMap(ScrubMapRequest req, StreamObserver<ScrubMapReply> out) {
        offload(() -> pgCommands.scrubMap(req), (c, m) -> ScrubMapReply.newBuilder().setCode(c).setMessage(m).build(),
                out);
    }

    @Override
    public void pgCommand(PgCommandRequest req, StreamObserver<PgCommandReply> out) {
        offload(() -> pgCommands.pgCommand(req),
                (c, m) -> PgCommandReply.newBuilder().setCode(c).setMessage(m).build(), out);
    }

    private static <T> void send(T reply, Throwable e, StreamObserver<T> out) {
        if (e != null) {
            // the paths above turn every failure into a reply; this is a bug, but must not hang the caller
            out.onError(io.grpc.Status.INTERNAL.withDescription(OsdErrors.messageOf(e)).asRuntimeException());
            return;
        }
        out.onNext(reply);
        out.onCompleted();
    }

    /** Runs store work on the op pool, never on a gRPC thread. */
    private <T> void offload(Supplier<T> work, BiFunction<Integer, String, T> onError, StreamObserver<T> out) {
        CompletableFuture<T> f;
        try {
            f = CompletableFuture.supplyAsync(work, opExecutor);
        } catch (RejectedExecutionException e) {
            f = CompletableFuture.failedFuture(new CairnException(ErrorCode.EAGAIN, "osd." + me + " is busy"));
        }
        f.whenComplete((r, e) -> {
            out.onNext(e == null ? r : onError.apply(OsdErrors.codeOf(e).code(), OsdErrors.messageOf(e)));
            out.onCompleted();
        });
    }
}
