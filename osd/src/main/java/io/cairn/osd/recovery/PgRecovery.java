package io.cairn.osd.recovery;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.Invariants;
import io.cairn.common.osdmap.ClusterFlag;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.time.Clock;
import io.cairn.osd.net.PeerChannels;
import io.cairn.osd.op.MissingObjects;
import io.cairn.osd.op.ObjectOrder;
import io.cairn.osd.peering.ObjectName;
import io.cairn.osd.pg.SlotReserver;
import io.cairn.proto.v1.BackfillReserveReply;
import io.cairn.proto.v1.BackfillReserveRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the objects members of active PGs still lack while the PGs serve: in the background (at
 * most osd_recovery_max_active objects at once on this OSD, their starts spaced by
 * osd_recovery_sleep, paused by norecover / nobackfill; both read at each start, so a runtime
 * change applies to a recovery already running), and ahead of any client op that touches a missing
 * object, on threads of its own so a client never queues behind background copies. Every copy runs
 * in the object's {@link ObjectOrder} slot. Members that become complete are reported to the
 * peering driver, which alone steps the PG's peering machine.
 */
public final class PgRecovery implements MissingObjects, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgRecovery.class);
    private static final long RETRY_MS = 1000;
    private static final long PAUSED_POLL_MS = 1000;
    /** Failed copies after which the PG peers again rather than retrying. */
    private static final int FAILURES_MAX = 30;
    private static final int ON_DEMAND_THREADS = 2;
    /** Threads for background copies: osd_recovery_max_active's upper bound, so any setting can be honoured. */
    private static final int BACKGROUND_THREADS_MAX = 64;
    private static final int QUEUED_MAX = 65_536;

    /** Where a PG's backfill stands with its osd_max_backfills reservations. */
    public enum BackfillStage { NONE, WAIT, TOOFULL, RESERVED }

    /** What recovery tells the peering driver. */
    public interface Listener {
        /** These members of the activation now hold every object (their last one just arrived). */
        void recovered(Active a, List<Integer> osds);

        /** Recovery keeps failing: the PG should peer again. */
        void repeer(PgId pg);
    }

    /** osd_recovery_max_active, osd_recovery_sleep, osd_max_backfills, osd_backfill_retry_interval, read live. */
    public record Throttles(IntSupplier maxActive, LongSupplier sleepMs, IntSupplier maxBackfills,
                            LongSupplier backfillRetryMs) { }

    /** One activation of a PG: the map it went active in, its mapping, and what its members lack. */
    public static final class Active {
        final PgId pg;
        final OsdMap map;
        final PgMapping pm;
        final PgMissing missing;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicReference<BackfillStage> backfill = new AtomicReference<>(BackfillStage.NONE);
        final AtomicBoolean reserving = new AtomicBoolean();
        /** Whether this activation holds a local backfill slot: released exactly once. */
        final AtomicBoolean localSlot = new AtomicBoolean();
        /** One pass of {@link #fill} waits on the timer at most: completions and polls do not pile up. */
        final AtomicBoolean fillPending = new AtomicBoolean();

        public Active(PgId pg, OsdMap map, PgMapping pm, PgMissing missing) {
            this.pg = pg;
            this.map = map;
            this.pm = pm;
            this.missing = missing;
        }

        public PgId pg() {
            return pg;
        }

        public OsdMap map() {
            return map;
        }

        public PgMapping mapping() {
            return pm;
        }

        public PgMissing missing() {
            return missing;
        }
    }

    private final Map<PgId, Active> active = new ConcurrentHashMap<>();
    private final ObjectCopier copier;
    private final PeerChannels peers;
    private final ObjectOrder order;
    private final Supplier<OsdMap> maps;
    private final ScheduledExecutorService timers;
    private final Throttles throttles;
    private final Clock clock;
    private final int me;
    private volatile Listener listener;
    /** Background copies running on this OSD, against osd_recovery_max_active. */
    private final AtomicInteger running = new AtomicInteger();
    /** When the next background copy may start (with osd_recovery_sleep), monotonic ms. */
    private final AtomicLong nextStartMs = new AtomicLong();
    private final ThreadPoolExecutor background;
    private final ThreadPoolExecutor onDemand;
    private final SlotReserver<Active> local;

    public PgRecovery(ObjectCopier copier, PeerChannels peers, ObjectOrder order, Supplier<OsdMap> maps,
                      ScheduledExecutorService timers, Throttles throttles, Clock clock, int me, ThreadFactory threads) {
        this.copier = copier;
        this.peers = peers;
        this.order = order;
        this.maps = maps;
        this.timers = timers;
        this.throttles = throttles;
        this.clock = clock;
        this.me = me;
        this.local = new SlotReserver<>(throttles.maxBackfills());
        this.background = new ThreadPoolExecutor(BACKGROUND_THREADS_MAX, BACKGROUND_THREADS_MAX, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED_MAX), threads);
        this.background.allowCoreThreadTimeOut(true);
        this.onDemand = new ThreadPoolExecutor(ON_DEMAND_THREADS, ON_DEMAND_THREADS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED_MAX), threads);
    }

    public void setListener(Listener l) {
        listener = l;
    }

    /** Background copies running now on this OSD (for the metrics). */
    public int runningCopies() {
        return running.get();
    }

    /** The PG went active: start copying what its members lack. */
    public void start(Active a) {
        Active before = active.put(a.pg, a);
        if (before != null) {
            releaseBackfill(before);
        }
        if (!a.missing.isEmpty()) {
            schedule(a, 0);
        }
    }

    /** The PG must peer again: its copies stop (an object being copied finishes). */
    public void stop(PgId pg) {
        Active a = active.remove(pg);
        if (a != null) {
            releaseBackfill(a);
        }
    }

    /** The stage of the PG's backfill reservations, for its state (backfill_wait, backfill_toofull). */
    public BackfillStage backfillStage(PgId pg) {
        Active a = active.get(pg);
        return a == null ? BackfillStage.NONE : a.backfill.get();
    }

    public Optional<PgMissing> missing(PgId pg) {
        return Optional.ofNullable(active.get(pg)).map(a -> a.missing);
    }

    @Override
    public boolean lacks(PgId pg, ObjectName o) {
        Active a = active.get(pg);
        return a != null && actingLacks(a, o);
    }

    @Override
    public boolean primaryLacksAny(PgId pg) {
        Active a = active.get(pg);
        return a != null && !a.missing.lackedBy(me).isEmpty();
    }

    private static boolean actingLacks(Active a, ObjectName o) {
        return a.missing.whoLacks(o).stream().anyMatch(a.pm.acting()::contains);
    }

    @Override
    public List<Integer> upOnlyHolding(PgId pg, PgMapping pm, ObjectName o) {
        Active a = active.get(pg);
        Set<Integer> lacking = a == null ? Set.of() : a.missing.whoLacks(o);
        return pm.up().stream().filter(x -> x >= 0 && !pm.acting().contains(x) && !lacking.contains(x)).toList();
    }

    @Override
    public <T> CompletableFuture<T> submit(PgId pg, ObjectName o, Supplier<CompletableFuture<T>> op, Executor opExecutor) {
        return order.submit(ObjectOrder.key(pg, o.nspace(), o.name()), () -> {
            Active a = active.get(pg);
            if (a == null || !actingLacks(a, o)) {
                return op.get();
            }
            return CompletableFuture.runAsync(() -> copyOne(a, o), onDemand).thenComposeAsync(v -> op.get(), opExecutor);
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

    /** Takes one of this OSD's osd_recovery_max_active slots, if one is free. */
    private boolean takeSlot() {
        for (int i = 0; i < 1000; i++) {
            int now = running.get();
            if (now >= Math.max(1, throttles.maxActive().getAsInt())) {
                return false;
            }
            if (running.compareAndSet(now, now + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Starts background copies for the PG while slots are free; runs on the timer thread. */
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
        for (int n = 0; n < BACKGROUND_THREADS_MAX; n++) {
            long sleepMs = throttles.sleepMs().getAsLong();
            if (sleepMs > 0) {
                // osd_recovery_sleep spaces the starts of all this OSD's background copies, as Ceph's does
                long now = clock.monotonicMs();
                long at = nextStartMs.get();
                if (now < at) {
                    schedule(a, at - now);
                    return;
                }
                if (!nextStartMs.compareAndSet(at, now + sleepMs)) {
                    continue;
                }
            }
            if (!takeSlot()) {
                // another PG's copy frees a slot and schedules its own PG; look again soon
                schedule(a, RETRY_MS / 4);
                return;
            }
            Optional<ObjectName> next = a.missing.claimNext(m.hasFlag(ClusterFlag.NORECOVER), nobackfill || !reserved);
            if (next.isEmpty()) {
                running.decrementAndGet();
                break;
            }
            launch(a, next.get());
            launched = true;
        }
        if (!launched && a.inFlight.get() == 0 && !a.missing.isEmpty()) {
            // paused by norecover / nobackfill: look again later
            schedule(a, PAUSED_POLL_MS);
        }
    }

    private void launch(Active a, ObjectName o) {
        a.inFlight.incrementAndGet();
        order.submit(ObjectOrder.key(a.pg, o.nspace(), o.name()),
                        () -> CompletableFuture.runAsync(() -> copyOne(a, o), background))
                .whenComplete((v, e) -> {
                    running.decrementAndGet();
                    a.missing.release(o);
                    a.inFlight.decrementAndGet();
                    if (e == null) {
                        schedule(a, 0);
                    } else if (a.failures.incrementAndGet() > FAILURES_MAX) {
                        LOG.warn("pg {}: recovery keeps failing ({}): peering again", a.pg, e.toString());
                        notifyRepeer(a.pg);
                    } else {
                        LOG.debug("pg {}: copying {} failed: {}", a.pg, o, e.toString());
                        schedule(a, RETRY_MS);
                    }
                });
    }

    /** Copies {@code o} where it is lacking; reports members that became complete. */
    private void copyOne(Active a, ObjectName o) {
        if (active.get(a.pg) != a) {
            throw new CairnException(ErrorCode.EAGAIN, "pg " + a.pg + " is peering again");
        }
        List<Integer> done = copier.copy(a.map, a.pg, a.missing, o);
        if (!a.missing.anyBackfill()) {
            releaseBackfill(a);
        }
        if (!done.isEmpty()) {
            Listener l = listener;
            if (l != null) {
                l.recovered(a, done);
            }
        }
    }

    private void notifyRepeer(PgId pg) {
        Listener l = listener;
        if (l != null) {
            l.repeer(pg);
        }
    }

    /**
     * Takes a local osd_max_backfills slot, then one on every backfill target; on any refusal gives
     * back what it took and asks again later (osd_backfill_retry_interval when a target is too full).
     */
    private void reserveBackfill(Active a) {
        List<Integer> granted = new ArrayList<>();
        try {
            if (active.get(a.pg) != a) {
                return;
            }
            if (!a.localSlot.get()) {
                if (!local.tryReserve(a, me, a.map.epoch())) {
                    a.backfill.set(BackfillStage.WAIT);
                    schedule(a, RETRY_MS);
                    return;
                }
                a.localSlot.set(true);
            }
            for (int osd : a.missing.backfillTargets()) {
                if (osd == me) {
                    continue;
                }
                BackfillReserveReply r = reserveRemote(a, osd, false);
                if (r.getCode() != 0 || !r.getGranted()) {
                    giveBack(a, granted);
                    a.backfill.set(r.getToofull() ? BackfillStage.TOOFULL : BackfillStage.WAIT);
                    schedule(a, r.getToofull() ? throttles.backfillRetryMs().getAsLong() : RETRY_MS);
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

    private BackfillReserveReply reserveRemote(Active a, int osd, boolean release) {
        return peers.blocking(a.map, osd).backfillReserve(BackfillReserveRequest.newBuilder().setEpoch(a.map.epoch())
                .setPool(a.pg.pool()).setSeed(a.pg.seed()).setFrom(me).setRelease(release).build());
    }

    /** Releases the PG's backfill slots, here and on its targets (the targets also let go on a new interval). */
    private void releaseBackfill(Active a) {
        if (a.backfill.compareAndSet(BackfillStage.RESERVED, BackfillStage.NONE)) {
            List<Integer> targets = a.missing.backfillTargets().stream().filter(o -> o != me).toList();
            try {
                background.execute(() -> giveBack(a, targets));
            } catch (RejectedExecutionException e) {
                releaseLocal(a);
            }
        } else if (a.backfill.get() != BackfillStage.RESERVED) {
            releaseLocal(a);
        }
    }

    private void giveBack(Active a, List<Integer> remotes) {
        for (int osd : remotes) {
            try {
                reserveRemote(a, osd, true);
            } catch (RuntimeException e) {
                LOG.debug("pg {}: osd.{} keeps its backfill slot until the interval ends: {}", a.pg, osd, e.toString());
            }
        }
        releaseLocal(a);
    }

    /** The activation's local slot goes back exactly once. */
    private void releaseLocal(Active a) {
        if (a.localSlot.compareAndSet(true, false)) {
            Invariants.check(local.release(a), "pg %s released a local backfill slot it did not hold", a.pg);
        }
    }

    @Override
    public void close() {
        background.shutdownNow();
        onDemand.shutdownNow();
    }
}
