package io.cairn.osd;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.ClusterFlag;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.objectstore.CollectionId;
import io.cairn.osd.peering.ObjectName;
import io.cairn.osd.peering.PeeringMachine;
import io.cairn.osd.peering.PeeringMachine.Action;
import io.cairn.osd.peering.PeeringMachine.Event;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the objects members of active PGs still lack while the PGs serve: in the background
 * (at most osd_recovery_max_active objects at once per PG and per OSD, their starts spaced by
 * osd_recovery_sleep across the OSD, paused by norecover / nobackfill), and ahead of any client op that touches a missing
 * object, on threads of its own so a client never queues behind background copies. Every copy
 * runs in the object's {@link ObjectOrder} slot, so it never interleaves with a client op on the
 * same object.
 */
final class PgRecovery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgRecovery.class);
    private static final long RETRY_MS = 1000;
    private static final long PAUSED_POLL_MS = 1000;
    /** Failed copies after which the PG peers again rather than retrying. */
    private static final int FAILURES_MAX = 30;
    private static final int ON_DEMAND_THREADS = 2;

    /** Where a PG's backfill stands with its osd_max_backfills reservations. */
    enum BackfillStage { NONE, WAIT, TOOFULL, RESERVED }

    /** One activation of a PG: the map it went active in, its machine, and what its members lack. */
    static final class Active {
        final PgId pg;
        final OsdMap map;
        final PgMapping pm;
        final PeeringMachine machine;
        final PgMissing missing;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicReference<BackfillStage> backfill = new AtomicReference<>(BackfillStage.NONE);
        final AtomicBoolean reserving = new AtomicBoolean();
        /** One pass of {@link #fill} waits on the timer at most: completions and polls do not pile up. */
        final AtomicBoolean fillPending = new AtomicBoolean();

        Active(PgId pg, OsdMap map, PgMapping pm, PeeringMachine machine, PgMissing missing) {
            this.pg = pg;
            this.map = map;
            this.pm = pm;
            this.machine = machine;
            this.missing = missing;
        }
    }

    private final Map<PgId, Active> active = new ConcurrentHashMap<>();
    private final PgPeering peering;
    private final ObjectOrder order;
    private final Supplier<OsdMap> maps;
    private final ScheduledExecutorService timers;
    private final Consumer<PgId> repeer;
    private final int maxActive;
    private final long sleepMs;
    /** When the next background copy may start (with osd_recovery_sleep), on the monotonic clock in ms. */
    private final java.util.concurrent.atomic.AtomicLong nextStartMs = new java.util.concurrent.atomic.AtomicLong();
    private final ThreadPoolExecutor background;
    private final ThreadPoolExecutor onDemand;
    private final BackfillReserver local;
    private final long toofullRetryMs;
    private final int me;

    PgRecovery(PgPeering peering, ObjectOrder order, Supplier<OsdMap> maps, ScheduledExecutorService timers,
               Consumer<PgId> repeer, Throttles throttles, int me, ThreadFactory threads) {
        int maxActive = throttles.maxActive();
        this.local = new BackfillReserver(throttles.maxBackfills());
        this.toofullRetryMs = throttles.backfillRetryMs();
        this.me = me;
        this.peering = peering;
        this.order = order;
        this.maps = maps;
        this.timers = timers;
        this.repeer = repeer;
        this.maxActive = maxActive;
        this.sleepMs = throttles.sleepMs();
        this.background = new ThreadPoolExecutor(maxActive, maxActive, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(65536), threads);
        this.onDemand = new ThreadPoolExecutor(ON_DEMAND_THREADS, ON_DEMAND_THREADS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(65536), threads);
    }

    /** osd_recovery_max_active, osd_recovery_sleep, osd_max_backfills, osd_backfill_retry_interval. */
    record Throttles(int maxActive, long sleepMs, int maxBackfills, long backfillRetryMs) { }

    /** The PG went active: start copying what its members lack. */
    void start(Active a) {
        active.put(a.pg, a);
        if (!a.missing.isEmpty()) {
            schedule(a, 0);
        }
    }

    /** The PG must peer again: its copies stop (an object being copied finishes). */
    void stop(PgId pg) {
        Active a = active.remove(pg);
        if (a != null) {
            releaseBackfill(a);
        }
    }

    /** The stage of the PG's backfill reservations, for its state (backfill_wait, backfill_toofull). */
    BackfillStage backfillStage(PgId pg) {
        Active a = active.get(pg);
        return a == null ? BackfillStage.NONE : a.backfill.get();
    }

    Optional<PgMissing> missing(PgId pg) {
        return Optional.ofNullable(active.get(pg)).map(a -> a.missing);
    }

    /**
     * True when an acting member of the PG's current activation lacks {@code o}: a client op must
     * wait for it. (Up-only backfill targets under a pg_temp do not hold ops up: they get the object
     * when backfill reaches it.)
     */
    boolean lacks(PgId pg, ObjectName o) {
        Active a = active.get(pg);
        return a != null && actingLacks(a, o);
    }

    private static boolean actingLacks(Active a, ObjectName o) {
        return a.missing.whoLacks(o).stream().anyMatch(a.pm.acting()::contains);
    }

    /** Up members outside the acting set (backfill targets under a pg_temp) that hold {@code o}: they get its writes. */
    List<Integer> upOnlyHolding(PgId pg, PgMapping pm, ObjectName o) {
        Active a = active.get(pg);
        java.util.Set<Integer> lacking = a == null ? java.util.Set.of() : a.missing.whoLacks(o);
        return pm.up().stream().filter(x -> x >= 0 && !pm.acting().contains(x) && !lacking.contains(x)).toList();
    }

    /** Runs {@code op} in the object's slot, first copying the object to every acting member that lacks it. */
    <T> CompletableFuture<T> submit(PgId pg, ObjectName o, Supplier<CompletableFuture<T>> op, Executor opExecutor) {
        return order.submit(ObjectOrder.key(pg, o.nspace(), o.name()), () -> {
            Active a = active.get(pg);
            if (a == null || !actingLacks(a, o)) {
                return op.get();
            }
            return CompletableFuture.runAsync(() -> recoverOne(a, o), onDemand).thenComposeAsync(v -> op.get(), opExecutor);
        });
    }

    private void schedule(Active a, long delayMs) {
        if (!a.fillPending.compareAndSet(false, true)) {
            return;
        }
        try {
            timers.schedule(() -> {
                a.fillPending.set(false);
                fill(a);
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            a.fillPending.set(false);
            LOG.debug("pg {}: recovery not rescheduled: stopping", a.pg);
        }
    }

    /** Starts background copies for the PG up to osd_recovery_max_active; runs on the timer thread. */
    private void fill(Active a) {
        if (active.get(a.pg) != a) {
            return;
        }
        OsdMap m = maps.get();
        boolean nobackfill = m.hasFlag(ClusterFlag.NOBACKFILL);
        boolean reserved = a.backfill.get() == BackfillStage.RESERVED;
        if (!reserved && !nobackfill && a.missing.anyBackfill() && a.reserving.compareAndSet(false, true)) {
            try {
                background.execute(() -> reserveBackfill(a));
            } catch (RejectedExecutionException e) {
                a.reserving.set(false);
            }
        }
        boolean launched = false;
        while (a.inFlight.get() < maxActive) {
            if (sleepMs > 0) {
                // osd_recovery_sleep spaces the starts of all this OSD's background copies, as Ceph's does
                long now = System.nanoTime() / 1_000_000;
                long at = nextStartMs.get();
                if (now < at) {
                    schedule(a, at - now);
                    return;
                }
                if (!nextStartMs.compareAndSet(at, now + sleepMs)) {
                    continue;
                }
            }
            Optional<ObjectName> next = a.missing.claimNext(m.hasFlag(ClusterFlag.NORECOVER), nobackfill || !reserved);
            if (next.isEmpty()) {
                break;
            }
            ObjectName o = next.get();
            a.inFlight.incrementAndGet();
            launched = true;
            order.submit(ObjectOrder.key(a.pg, o.nspace(), o.name()),
                            () -> CompletableFuture.runAsync(() -> recoverOne(a, o), background))
                    .whenComplete((v, e) -> {
                        a.missing.release(o);
                        a.inFlight.decrementAndGet();
                        if (e == null) {
                            schedule(a, 0);
                        } else if (a.failures.incrementAndGet() > FAILURES_MAX) {
                            LOG.warn("pg {}: recovery keeps failing ({}): peering again", a.pg, e.toString());
                            repeer.accept(a.pg);
                        } else {
                            LOG.debug("pg {}: copying {} failed: {}", a.pg, o, e.toString());
                            schedule(a, RETRY_MS);
                        }
                    });
        }
        if (!launched && a.inFlight.get() == 0 && !a.missing.isEmpty()) {
            // paused by norecover / nobackfill: look again later
            schedule(a, PAUSED_POLL_MS);
        }
    }

    /** Copies {@code o} where it is lacking; reports members that became complete, and a clean PG. */
    private void recoverOne(Active a, ObjectName o) {
        if (active.get(a.pg) != a) {
            throw new CairnException(ErrorCode.EAGAIN, "pg " + a.pg + " is peering again");
        }
        List<Integer> done = peering.recoverObject(a.map, a.pg, a.missing, o);
        if (!a.missing.anyBackfill()) {
            releaseBackfill(a);
        }
        try {
            for (int osd : done) {
                peering.markComplete(a.map, a.pg, osd);
                for (Action act : a.machine.step(new Event.PeerRecovered(osd))) {
                    if (act instanceof Action.MarkClean c) {
                        peering.markClean(a.map, a.pg, CollectionId.of(a.pg.toString()), a.pm.acting(), a.machine.strays(),
                                c.epoch());
                        LOG.info("pg {} clean in epoch {}", a.pg, c.epoch());
                    } else if (act instanceof Action.RequestPgTemp t) {
                        peering.requestPgTemp(a.pg, t.acting());
                    } else {
                        throw new IllegalStateException("unexpected " + act + " after osd." + osd + " recovered");
                    }
                }
            }
        } catch (RuntimeException e) {
            // a member's objects all arrived but it was not told: only a new peering can tell it
            repeer.accept(a.pg);
            throw e;
        }
    }

    /**
     * Takes a local osd_max_backfills slot, then one on every backfill target; on any refusal gives
     * back what it took and asks again later (osd_backfill_retry_interval when a target is too full).
     */
    private void reserveBackfill(Active a) {
        List<Integer> granted = new java.util.ArrayList<>();
        try {
            if (active.get(a.pg) != a) {
                return;
            }
            if (!local.tryReserve(a.pg, me, a.map.epoch())) {
                a.backfill.set(BackfillStage.WAIT);
                schedule(a, RETRY_MS);
                return;
            }
            for (int osd : a.missing.backfillTargets()) {
                if (osd == me) {
                    continue;
                }
                io.cairn.proto.v1.BackfillReserveReply r = peering.reserveBackfill(a.map, a.pg, osd, false);
                if (r.getCode() != 0 || !r.getGranted()) {
                    giveBack(a, granted);
                    a.backfill.set(r.getToofull() ? BackfillStage.TOOFULL : BackfillStage.WAIT);
                    schedule(a, r.getToofull() ? toofullRetryMs : RETRY_MS);
                    return;
                }
                granted.add(osd);
            }
            a.backfill.set(BackfillStage.RESERVED);
            if (active.get(a.pg) != a) {
                releaseBackfill(a);
                return;
            }
            schedule(a, 0);
        } catch (RuntimeException e) {
            LOG.debug("pg {}: backfill reservation failed: {}", a.pg, e.toString());
            giveBack(a, granted);
            a.backfill.set(BackfillStage.WAIT);
            schedule(a, RETRY_MS);
        } finally {
            a.reserving.set(false);
        }
    }

    /** Releases the PG's backfill slots, here and on its targets, once (the targets also let go on a new interval). */
    private void releaseBackfill(Active a) {
        if (a.backfill.compareAndSet(BackfillStage.RESERVED, BackfillStage.NONE)) {
            List<Integer> targets = a.missing.backfillTargets().stream().filter(o -> o != me).toList();
            try {
                background.execute(() -> giveBack(a, targets));
            } catch (RejectedExecutionException e) {
                local.release(a.pg);
            }
        }
    }

    private void giveBack(Active a, List<Integer> remotes) {
        for (int osd : remotes) {
            try {
                peering.reserveBackfill(a.map, a.pg, osd, true);
            } catch (RuntimeException e) {
                LOG.debug("pg {}: osd.{} keeps its backfill slot until the interval ends: {}", a.pg, osd, e.toString());
            }
        }
        local.release(a.pg);
    }

    @Override
    public void close() {
        background.shutdownNow();
        onDemand.shutdownNow();
    }
}
