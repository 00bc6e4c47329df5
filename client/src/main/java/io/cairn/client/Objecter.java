package io.cairn.client;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.mon.MapFollower;
import io.cairn.common.net.Messenger;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Placement;
import io.cairn.common.osdmap.Pool;
import io.cairn.proto.v1.ListReply;
import io.cairn.proto.v1.ListRequest;
import io.cairn.proto.v1.ObjectLocator;
import io.cairn.proto.v1.OpReply;
import io.cairn.proto.v1.OpRequest;
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

    private final MapFollower maps;
    private final String client;
    private final Duration opTimeout;
    private final AtomicLong tids = new AtomicLong();
    private final Messenger messenger = new Messenger(MESSAGE_MAX_BYTES);
    private final Map<String, CompletableFuture<?>> objectTails = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "objecter-retry");
        t.setDaemon(true);
        return t;
    });

    Objecter(MapFollower maps, String client, Duration opTimeout) {
        this.maps = maps;
        this.client = client;
        this.opTimeout = opTimeout;
    }

    /** Submits one compound operation; per-object order is kept for this client. */
    CompletableFuture<OpReply> submit(ObjectLocator oloc, List<OsdOp> ops) {
        String key = oloc.getPool() + "/" + oloc.getNspace() + "/" + oloc.getName();
        CompletableFuture<OpReply> mine = new CompletableFuture<>();
        objectTails.compute(key, (k, prev) -> {
            CompletableFuture<?> before = prev == null ? CompletableFuture.completedFuture(null) : prev;
            before.handle((x, e) -> null).thenRun(() -> attempt(oloc, ops, tids.incrementAndGet(),
                    System.nanoTime() + opTimeout.toNanos(), BACKOFF_MIN_MS, mine));
            return mine;
        });
        mine.whenComplete((r, e) -> objectTails.remove(key, mine));
        return mine;
    }

    private void attempt(ObjectLocator oloc, List<OsdOp> ops, long tid, long deadlineNanos, long backoffMs,
                         CompletableFuture<OpReply> result) {
        if (System.nanoTime() > deadlineNanos) {
            result.completeExceptionally(new RadosException.Timeout("operation on '" + oloc.getName() + "' timed out after "
                    + opTimeout.toSeconds() + "s"));
            return;
        }
        OsdMap map = maps.map();
        Pool pool = map.pool(oloc.getPool());
        if (pool == null) {
            result.completeExceptionally(new RadosException.NotFound("pool " + oloc.getPool() + " does not exist"));
            return;
        }
        PgMapping pm = map.mapPg(Placement.objectPg(pool, oloc.getName(), oloc.getNspace(), oloc.getKey()));
        if (pm.actingPrimary() < 0) {
            retryLater(oloc, ops, tid, deadlineNanos, backoffMs, result, true);
            return;
        }
        OpRequest req = OpRequest.newBuilder().setClient(client).setTid(tid).setEpoch(map.epoch()).setOloc(oloc)
                .addAllOps(ops).build();
        stub(map.osd(pm.actingPrimary()).address()).op(req, new StreamObserver<>() {
            @Override
            public void onNext(OpReply reply) {
                ErrorCode code = ErrorCode.of(reply.getCode());
                if (reply.getCode() == 0) {
                    result.complete(reply);
                } else if (code == ErrorCode.ESTALE) {
                    // the OSD has another map: fetch the newest and resend to whoever is primary now
                    retryLater(oloc, ops, tid, deadlineNanos, BACKOFF_MIN_MS, result, true);
                } else if (code == ErrorCode.EAGAIN) {
                    retryLater(oloc, ops, tid, deadlineNanos, backoffMs, result, false);
                } else {
                    result.completeExceptionally(RadosException.of(code, reply.getMessage()));
                }
            }

            @Override
            public void onError(Throwable t) {
                Status.Code c = Status.fromThrowable(t).getCode();
                if (c == Status.Code.UNAVAILABLE || c == Status.Code.DEADLINE_EXCEEDED || c == Status.Code.CANCELLED) {
                    retryLater(oloc, ops, tid, deadlineNanos, backoffMs, result, true);
                } else {
                    result.completeExceptionally(new RadosException(ErrorCode.EIO, "osd." + pm.actingPrimary() + ": "
                            + Status.fromThrowable(t)));
                }
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    private void retryLater(ObjectLocator oloc, List<OsdOp> ops, long tid, long deadlineNanos, long backoffMs,
                            CompletableFuture<OpReply> result, boolean refreshMap) {
        retries.schedule(() -> {
            if (refreshMap) {
                try {
                    maps.refresh();
                } catch (CairnException e) {
                    // the monitors may be busy electing; the next attempt tries again
                }
            }
            attempt(oloc, ops, tid, deadlineNanos, Math.min(BACKOFF_MAX_MS, backoffMs * 2), result);
        }, backoffMs, TimeUnit.MILLISECONDS);
    }

    /** Lists one PG's objects from its primary (blocking; used by the listing iterator). */
    ListReply list(long poolId, int seed, String cursor, int max, String nspace, boolean allNamespaces) {
        ListReply r = untilPrimaryAnswers(new PgId(poolId, seed), "listing pg " + new PgId(poolId, seed),
                (stub, map) -> stub.list(ListRequest.newBuilder().setEpoch(map.epoch()).setPool(poolId).setSeed(seed)
                        .setCursor(cursor).setMax(max).setNspace(nspace).setAllNamespaces(allNamespaces).build()),
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
            throw new RadosException(ErrorCode.EIO, "interrupted");
        }
    }

    private OsdServiceGrpc.OsdServiceStub stub(String address) {
        return Messenger.withDeadline(OsdServiceGrpc.newStub(channel(address)), opTimeout.toMillis());
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
        messenger.close();
    }
}
