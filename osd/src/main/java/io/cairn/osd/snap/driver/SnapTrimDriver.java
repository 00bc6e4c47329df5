package io.cairn.osd.snap.driver;

import io.cairn.common.osdmap.ClusterFlag;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Pool;
import io.cairn.common.osdmap.SnapIntervals;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.Transaction;
import io.cairn.osd.peering.PgStateFlag;
import io.cairn.osd.pg.Pg;
import io.cairn.osd.pg.PgCopies;
import io.cairn.osd.pg.PgRegistry;
import io.cairn.osd.pg.SlotReserver;
import io.cairn.osd.snap.SnapMapper;
import io.cairn.osd.snap.SnapSet;
import io.cairn.osd.snap.SnapSetCodec;
import io.cairn.osd.snap.SnapTrimmer;
import io.cairn.proto.v1.ObjectLocator;
import io.cairn.proto.v1.OpSnapTrim;
import io.cairn.proto.v1.OsdOp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link SnapTrimmer} for each PG this OSD leads while its pool has removed snaps queued,
 * all on one thread: each tick feeds every machine the queue and whether its PG may trim, hands
 * out the OSD's trimming slots, and carries out what the machines ask: find heads in the snap
 * index, trim them through the client write path (one replicated, logged write per head), sleep.
 * The thread is the OSD's to stop.
 */
public final class SnapTrimDriver {
    private static final Logger LOG = LoggerFactory.getLogger(SnapTrimDriver.class);

    /** How a head's trim is written: the primary's own write of {@code ops} on {@code oloc}. */
    public interface TrimWriter {
        CompletableFuture<?> write(ObjectLocator oloc, List<OsdOp> ops);
    }

    /** What the driver reads from the rest of the OSD. */
    public record Deps(Supplier<OsdMap> maps, PgRegistry registry, ObjectStore store, TrimWriter writer,
                       BiPredicate<PgId, OsdMap> activeClean, Predicate<PgId> scrubbing, SlotReserver<PgId> slots,
                       Supplier<SnapTrimmer.Settings> settings) { }

    /** One PG's machine and what the driver keeps beside it (trimmer thread only, but the machine). */
    private static final class Entry {
        final SnapTrimmer machine = new SnapTrimmer();
        int intervalSeq = -1;
        List<Integer> acting = List.of();
        /** The round a slot was asked for and not yet given, or -1. */
        long slotRound = -1;
    }

    private final Deps d;
    private final ScheduledExecutorService thread;
    private final int me;
    private final Map<PgId, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong trimmedObjects = new AtomicLong();

    public SnapTrimDriver(Deps deps, ScheduledExecutorService thread, int me) {
        this.d = deps;
        this.thread = thread;
        this.me = me;
    }

    /** Starts the ticks. */
    public void start(long tickMs) {
        thread.scheduleWithFixedDelay(this::tick, tickMs, tickMs, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            OsdMap map = d.maps().get();
            if (map != null) {
                feed(map);
            }
        } catch (RuntimeException e) {
            LOG.warn("snap trim tick failed: {}", e.toString());
        }
    }

    private void feed(OsdMap map) {
        Set<PgId> led = new HashSet<>();
        for (PgId id : d.registry().held()) {
            Pool pool = map.pool(id.pool());
            if (pool == null || id.seed() >= pool.pgNum()) {
                continue;
            }
            PgMapping pm = map.mapPg(id);
            if (pm.actingPrimary() != me || (pool.removedSnapsQueue().isEmpty() && !entries.containsKey(id))) {
                continue;
            }
            led.add(id);
            Entry e = entries.computeIfAbsent(id, k -> new Entry());
            Pg pg = d.registry().get(id);
            if (e.intervalSeq != pg.intervalSeq() || !e.acting.equals(pm.acting())) {
                step(id, e, new SnapTrimmer.Reset());
                e.intervalSeq = pg.intervalSeq();
                e.acting = pm.acting();
            }
            step(id, e, new SnapTrimmer.Queue(pool.removedSnapsQueue()));
            step(id, e, new SnapTrimmer.Conditions(d.activeClean().test(id, map), d.scrubbing().test(id),
                    map.hasFlag(ClusterFlag.NOSNAPTRIM)));
            grant(id, e, map.epoch());
            if (pool.removedSnapsQueue().isEmpty() && e.machine.state() == SnapTrimmer.State.NOT_TRIMMING) {
                entries.remove(id);
            }
        }
        for (Map.Entry<PgId, Entry> en : List.copyOf(entries.entrySet())) {
            if (!led.contains(en.getKey())) {
                step(en.getKey(), en.getValue(), new SnapTrimmer.Reset());
                entries.remove(en.getKey());
            }
        }
    }

    /** Gives a free slot to a PG that asked for one (trimmer thread). */
    private void grant(PgId id, Entry e, int epoch) {
        if (e.slotRound >= 0 && d.slots().tryReserve(id, me, epoch)) {
            long round = e.slotRound;
            e.slotRound = -1;
            step(id, e, new SnapTrimmer.Reserved(round));
        }
    }

    private void grantWaiting() {
        OsdMap map = d.maps().get();
        if (map != null) {
            entries.forEach((id, e) -> grant(id, e, map.epoch()));
        }
    }

    /** Steps one machine and carries out its actions (trimmer thread). */
    private void step(PgId id, Entry e, SnapTrimmer.Event ev) {
        for (SnapTrimmer.Action a : e.machine.step(ev, d.settings().get())) {
            switch (a) {
                case SnapTrimmer.RequestSlot r -> e.slotRound = r.round();
                case SnapTrimmer.ReleaseSlot r -> {
                    e.slotRound = -1;
                    if (d.slots().release(id)) {
                        // the next PG waiting goes now, not at the next tick
                        onThread(this::grantWaiting, 0);
                    }
                }
                case SnapTrimmer.FindWork f -> later(id, e, () -> new SnapTrimmer.WorkFound(f.round(), f.snap(),
                        SnapMapper.heads(d.store(), CollectionId.of(id.toString()), f.snap(), f.max())));
                case SnapTrimmer.Trim t -> {
                    CompletableFuture<Void> batch;
                    try {
                        batch = trim(id, t);
                    } catch (RuntimeException failed) {
                        batch = CompletableFuture.failedFuture(failed);
                    }
                    batch.whenComplete((v, err) -> {
                        if (err != null) {
                            LOG.warn("pg {}: trimming snap {} failed: {}", id, t.snap(), err.toString());
                        }
                        later(id, e, () -> new SnapTrimmer.TrimDone(t.round(), err != null));
                    });
                }
                case SnapTrimmer.StartTimer t -> onThread(() -> step(id, e, new SnapTrimmer.TimerFired(t.round())),
                        t.delayMs());
            }
        }
    }

    /** Runs {@code work} on the trimmer thread after this step, and steps the machine with its answer. */
    private void later(PgId id, Entry e, Supplier<SnapTrimmer.Event> work) {
        onThread(() -> {
            SnapTrimmer.Event ev;
            try {
                ev = work.get();
            } catch (RuntimeException failed) {
                // e.g. the PG's collection went away: start the round over from the next tick
                LOG.warn("pg {}: snap trim step failed: {}", id, failed.toString());
                ev = new SnapTrimmer.Reset();
            }
            step(id, e, ev);
        }, 0);
    }

    private void onThread(Runnable r, long delayMs) {
        try {
            thread.schedule(r, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // the OSD is stopping
        }
    }

    /**
     * One batch: each head is trimmed of every removed snap its clones still serve, by a write of
     * its own; an index entry naming a head that has no clone for the snap (a stale one) is dropped.
     */
    private CompletableFuture<Void> trim(PgId id, SnapTrimmer.Trim t) {
        OsdMap map = d.maps().get();
        Pool pool = map.pool(id.pool());
        CollectionId coll = CollectionId.of(id.toString());
        List<CompletableFuture<?>> writes = new ArrayList<>();
        Transaction stale = new Transaction();
        for (ObjectId head : t.heads()) {
            SnapSet ss = SnapSetCodec.load(d.store(), coll, head);
            boolean serves = ss.clones().stream().anyMatch(c -> c.snaps().contains(t.snap()));
            List<Long> drop = ss.clones().stream().flatMap(c -> c.snaps().stream())
                    .filter(s -> pool != null && pool.isSnapRemoved(s)).distinct().sorted().toList();
            if (!serves || drop.isEmpty()) {
                SnapMapper.forget(stale, coll, t.snap(), head);
                continue;
            }
            String key = d.store().getAttr(coll, head, PgCopies.KEY_ATTR)
                    .map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
            ObjectLocator oloc = ObjectLocator.newBuilder().setPool(id.pool()).setName(head.name())
                    .setNspace(head.namespace()).setKey(key).build();
            writes.add(d.writer().write(oloc, List.of(OsdOp.newBuilder()
                    .setSnapTrim(OpSnapTrim.newBuilder().addAllSnaps(drop)).build()))
                    .thenRun(trimmedObjects::incrementAndGet));
        }
        if (!stale.ops().isEmpty()) {
            writes.add(d.store().queueTransactions(List.of(stale)));
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    /** Heads whose clones this OSD trimmed (as primary) since it started. */
    public long trimmedObjects() {
        return trimmedObjects.get();
    }

    /** The trimmer's state flags for a PG this OSD leads (none when it has nothing queued). */
    public Set<PgStateFlag> flags(PgId id) {
        Entry e = entries.get(id);
        return e == null ? Set.of() : e.machine.flags();
    }

    /** Snaps of the pool's queue the PG has purged here. */
    public SnapIntervals purged(PgId id) {
        Entry e = entries.get(id);
        return e == null ? SnapIntervals.EMPTY : e.machine.purged();
    }

    /** Removed snaps the PG still has to trim (Ceph's snaptrimq_len counts these). */
    public long queueLength(PgId id) {
        Entry e = entries.get(id);
        return e == null ? 0 : e.machine.trimQueue().size();
    }
}
