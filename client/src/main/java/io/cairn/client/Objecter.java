package io.cairn.client;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.mon.MapFollower;
import io.cairn.common.net.Messenger;
import io.cairn.common.net.RpcErrors;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Placement;
import io.cairn.common.osdmap.Pool;
import io.cairn.common.time.Clock;
import io.cairn.proto.v1.ListReply;
import io.cairn.proto.v1.ListRequest;
import io.cairn.proto.v1.ObjectLocator;
import io.cairn.proto.v1.OpReply;
import io.cairn.proto.v1.OpRequest;
import io.cairn.proto.v1.SnapContext;
import io.cairn.proto.v1.OsdOp;
import io.cairn.proto.v1.OsdServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends each operation to its PG's primary, computed with CRUSH from the client's own map; when
 * the OSD says the map is stale, or the OSD cannot be reached, or the PG is not active yet, it
 * refreshes the map and resends with backoff, until the op timeout. One client's operations on
 * one object go out one at a time, in submission order.
 */
final class Objecter implements AutoCloseable {
    private static final long BACKOFF_MIN_MS = 50;
    private static final long BACKOFF_MAX_MS = 1000;
    private static final int MESSAGE_MAX_BYTES = 256 << 20;
    /** One try of a blocking PG call (a listing page, a pg command) before the map is refreshed. */
    private static final long COMMAND_TRY_TIMEOUT_MS = 10_000;
    /** Requests (and replies) up to this size travel on the OSD's op stream; larger ones get a call each. */
    static final int STREAM_OP_BYTES_MAX = 64 << 10;
    private static final long EXPIRE_EVERY_MS = 100;

    private final MapFollower maps;
    private final String client;
    /** The handle's entity address, which OSDs check against the blocklist. */
    private final String addr;
    private final Duration opTimeout;
    private final Clock clock;
    private final AtomicLong tids = new AtomicLong();
    private final Messenger messenger = new Messenger(MESSAGE_MAX_BYTES);
    private final Map<String, CompletableFuture<?>> objectTails = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "objecter-retry");
        t.setDaemon(true);
        return t;
    });
    private final OsdSessions sessions = new OsdSessions(this::channel);

    Objecter(MapFollower maps, String client, String addr, Duration opTimeout, Clock clock) {
        this.maps = maps;
        this.client = client;
        this.addr = addr;
        this.opTimeout = opTimeout;
        this.clock = clock;
        retries.scheduleWithFixedDelay(() -> sessions.expire(System.nanoTime()), EXPIRE_EVERY_MS, EXPIRE_EVERY_MS,
                TimeUnit.MILLISECONDS);
    }

    /** Submits one compound operation; per-object order is kept for this client. */
    CompletableFuture<OpReply> submit(ObjectLocator oloc, List<OsdOp> ops) {
        return submit(oloc, ops, SnapContext.getDefaultInstance(), 0);
    }

    /** As {@link #submit(ObjectLocator, List)}, writes under {@code snapc}, reads at {@code snapId} (0 = head). */
    CompletableFuture<OpReply> submit(ObjectLocator oloc, List<OsdOp> ops, SnapContext snapc, long snapId) {
        String key = oloc.getPool() + "/" + oloc.getNspace() + "/" + oloc.getName();
        CompletableFuture<OpReply> mine = new CompletableFuture<>();
        long tid = tids.incrementAndGet();
        // one atomic swap gives each op the one before it on this object, however many submit at once
        CompletableFuture<?> prev = objectTails.put(key, mine);
        CompletableFuture<?> before = prev == null ? CompletableFuture.completedFuture(null) : prev;
        // the clock starts when the op may go out: time queued behind this object's earlier ops is not charged
        before.handle((x, e) -> null).thenRun(() -> attempt(new InFlight(oloc, ops, snapc, snapId, tid,
                System.nanoTime() + opTimeout.toNanos(), mine)));
        mine.whenComplete((r, e) -> objectTails.remove(key, mine));
        return mine;
    }

    /**
     * One submitted operation across its attempts. Attempts run one after another, each handing
     * the next to the retry executor or a gRPC callback, so the mutable fields need no lock.
     */
    private static final class InFlight {
        final ObjectLocator oloc;
        final List<OsdOp> ops;
        final SnapContext snapc;
        final long snapId;
        final long tid;
        final long deadlineNanos;
        final CompletableFuture<OpReply> result;
        long backoffMs = BACKOFF_MIN_MS;
        String lastFailure = "no OSD was asked";

        InFlight(ObjectLocator oloc, List<OsdOp> ops, SnapContext snapc, long snapId, long tid, long deadlineNanos,
                 CompletableFuture<OpReply> result) {
            this.oloc = oloc;
            this.ops = ops;
            this.snapc = snapc;
            this.snapId = snapId;
            this.tid = tid;
            this.deadlineNanos = deadlineNanos;
            this.result = result;
        }
    }

    private void attempt(InFlight op) {
        long leftNanos = op.deadlineNanos - System.nanoTime();
        if (leftNanos <= 0) {
            op.result.completeExceptionally(new RadosException.Timeout("operation on '" + op.oloc.getName()
                    + "' timed out after " + opTimeout.toMillis() + " ms (last: " + op.lastFailure + ")"));
            return;
        }
        OsdMap map = maps.map();
        if (map.isBlocklisted(addr, clock.wallMs())) {
            // fenced: every OSD would refuse it, and a resend never helps, so fail without asking
            op.result.completeExceptionally(new RadosException.Blocklisted("client " + addr + " is blocklisted (osdmap e"
                    + map.epoch() + ")"));
            return;
        }
        Pool pool = map.pool(op.oloc.getPool());
        if (pool == null) {
            op.result.completeExceptionally(new RadosException.NotFound("pool " + op.oloc.getPool() + " does not exist"));
            return;
        }
        PgMapping pm = map.mapPg(Placement.objectPg(pool, op.oloc.getName(), op.oloc.getNspace(), op.oloc.getKey()));
        int primary = pm.actingPrimary();
        if (primary < 0) {
            op.lastFailure = "pg " + pm.pg() + " has no acting primary in epoch " + map.epoch();
            retryLater(op, op.backoffMs, true);
            return;
        }
        OpRequest req = OpRequest.newBuilder().setClient(client).setAddr(addr).setTid(op.tid).setEpoch(map.epoch())
                .setOloc(op.oloc).addAllOps(op.ops).setSnapc(op.snapc).setSnapId(op.snapId).build();
        if (streamable(req)) {
            sendOnStream(op, primary, map.osd(primary).address(), req);
            return;
        }
        // never wait on one OSD past the op's own deadline
        long tryMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(leftNanos));
        OsdServiceGrpc.OsdServiceStub osd;
        try {
            osd = stub(map.osd(primary).address(), tryMs);
        } catch (CairnException e) {
            // a bad address in this epoch's map: a later epoch may fix it, so this is not the op's failure
            op.lastFailure = "osd." + primary + ": " + e.getMessage();
            retryLater(op, op.backoffMs, true);
            return;
        }
        osd.op(req, new StreamObserver<>() {
            @Override
            public void onNext(OpReply reply) {
                onReply(op, primary, reply);
            }

            @Override
            public void onError(Throwable t) {
                Status status = Status.fromThrowable(t);
                if (RpcErrors.isTransient(status)) {
                    op.lastFailure = "osd." + primary + " unreachable: " + status.getCode();
                    retryLater(op, op.backoffMs, true);
                } else {
                    op.result.completeExceptionally(new RadosException.IoError("osd." + primary + ": " + status));
                }
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    /**
     * Whether an op goes on the OSD's stream: a small request whose reply is small too. Object data
     * in bulk gets a call of its own, and its own HTTP/2 window, so many large transfers at once are
     * not queued behind one stream's window.
     */
    static boolean streamable(OpRequest req) {
        if (req.getSerializedSize() > STREAM_OP_BYTES_MAX) {
            return false;
        }
        for (OsdOp o : req.getOpsList()) {
            if (o.hasRead() && (o.getRead().getLength() == 0 || o.getRead().getLength() > STREAM_OP_BYTES_MAX)) {
                return false;
            }
        }
        return true;
    }

    private void sendOnStream(InFlight op, int primary, String address, OpRequest req) {
        OsdSessions.Waiter w = new OsdSessions.Waiter() {
            @Override
            public long deadlineNanos() {
                return op.deadlineNanos;
            }

            @Override
            public void onReply(OpReply reply) {
                Objecter.this.onReply(op, primary, reply);
            }

            @Override
            public void onFailure(String why, boolean resendable) {
                if (resendable) {
                    op.lastFailure = "osd." + primary + ": " + why;
                    retryLater(op, op.backoffMs, true);
                } else {
                    op.result.completeExceptionally(new RadosException.IoError("osd." + primary + ": " + why));
                }
            }
        };
        try {
            sessions.send(address, req, w);
        } catch (CairnException e) {
            // a bad address in this epoch's map: a later epoch may fix it, so this is not the op's failure
            w.onFailure(e.getMessage(), true);
        }
    }

    private void onReply(InFlight op, int primary, OpReply reply) {
        ErrorCode code = ErrorCode.of(reply.getCode());
        if (code == ErrorCode.OK) {
            op.result.complete(reply);
        } else if (code == ErrorCode.ESTALE) {
            // the OSD has another map: fetch the newest soon and resend to whoever is primary then
            op.lastFailure = "osd." + primary + " at epoch " + reply.getEpoch() + ": " + reply.getMessage();
            retryLater(op, BACKOFF_MIN_MS, true);
        } else if (code == ErrorCode.EAGAIN) {
            op.lastFailure = "osd." + primary + " busy: " + reply.getMessage();
            retryLater(op, op.backoffMs, false);
        } else {
            op.result.completeExceptionally(RadosException.of(code, reply.getMessage()));
        }
    }

    private void retryLater(InFlight op, long delayMs, boolean refreshMap) {
        op.backoffMs = Math.min(BACKOFF_MAX_MS, delayMs * 2);
        try {
            retries.schedule(() -> {
                if (refreshMap) {
                    try {
                        maps.refresh();
                    } catch (CairnException e) {
                        // the monitors may be busy electing; the next attempt tries again
                    }
                }
                attempt(op);
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            op.result.completeExceptionally(new RadosException.IoError("client closed while '" + op.oloc.getName()
                    + "' was waiting to be resent"));
        }
    }

    /** Lists one PG's objects from its primary (blocking; used by the listing iterator). */
    ListReply list(long poolId, int seed, String cursor, int max, String nspace, boolean allNamespaces) {
        ListReply r = untilPrimaryAnswers(new PgId(poolId, seed), "listing pg " + new PgId(poolId, seed),
                (stub, map) -> stub.list(ListRequest.newBuilder().setEpoch(map.epoch()).setPool(poolId).setSeed(seed)
                        .setCursor(cursor).setMax(max).setNspace(nspace).setAllNamespaces(allNamespaces).setAddr(addr).build()),
                ListReply::getCode);
        if (r.getCode() != 0) {
            throw RadosException.of(ErrorCode.of(r.getCode()), r.getMessage());
        }
        return r;
    }

    /**
     * Sends an operator command (scrub, deep-scrub, repair, list-inconsistent-obj, query) to a PG's
     * primary, following the PG when the primary changes; blocking.
     */
    io.cairn.proto.v1.PgCommandReply pgCommand(PgId pg, String command) {
        Pool pool = maps.map().pool(pg.pool());
        if (pool == null || pg.seed() >= pool.pgNum()) {
            throw RadosException.of(ErrorCode.ENOENT, "pg " + pg + " does not exist");
        }
        return untilPrimaryAnswers(pg, command + " of pg " + pg,
                (stub, map) -> stub.pgCommand(io.cairn.proto.v1.PgCommandRequest.newBuilder().setPool(pg.pool())
                        .setSeed(pg.seed()).setCommand(command).setEpoch(map.epoch()).build()),
                io.cairn.proto.v1.PgCommandReply::getCode);
    }

    /**
     * Calls the PG's acting primary until it answers with something other than ESTALE or EAGAIN
     * (the PG moved, or is peering), refreshing the map with backoff in between; blocking, bounded
     * by the op timeout.
     */
    private <T> T untilPrimaryAnswers(PgId pg, String what,
                                      java.util.function.BiFunction<OsdServiceGrpc.OsdServiceBlockingStub, OsdMap, T> call,
                                      java.util.function.ToIntFunction<T> code) {
        long deadline = System.nanoTime() + opTimeout.toNanos();
        long backoff = BACKOFF_MIN_MS;
        while (System.nanoTime() < deadline) {
            OsdMap map = maps.map();
            PgMapping pm = map.mapPg(pg);
            if (pm.actingPrimary() >= 0) {
                try {
                    T r = call.apply(Messenger.withDeadline(OsdServiceGrpc.newBlockingStub(
                            channel(map.osd(pm.actingPrimary()).address())), COMMAND_TRY_TIMEOUT_MS), map);
                    int c = code.applyAsInt(r);
                    if (c != ErrorCode.ESTALE.code() && c != ErrorCode.EAGAIN.code()) {
                        return r;
                    }
                } catch (io.grpc.StatusRuntimeException e) {
                    // try again after a map refresh
                }
            }
            sleep(backoff);
            backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
            try {
                maps.refresh();
            } catch (CairnException e) {
                // retried
            }
        }
        throw new RadosException.Timeout(what + " timed out");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RadosException.IoError("interrupted");
        }
    }

    private OsdServiceGrpc.OsdServiceStub stub(String address, long timeoutMs) {
        return Messenger.withDeadline(OsdServiceGrpc.newStub(channel(address)), timeoutMs);
    }

    private ManagedChannel channel(String address) {
        return messenger.channel(address);
    }

    MapFollower maps() {
        return maps;
    }

    @Override
    public void close() {
        retries.shutdownNow();
        sessions.close();
        messenger.close();
    }
}
