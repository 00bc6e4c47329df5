package io.cairn.osd.stats;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Pool;
import io.cairn.common.osdmap.SnapIntervals;
import io.cairn.common.time.Clock;
import io.cairn.objectstore.ObjectStore;
import io.cairn.osd.mon.MonLink;
import io.cairn.osd.op.OpTracker;
import io.cairn.osd.pg.Pg;
import io.cairn.osd.pg.PgCopies;
import io.cairn.osd.pg.PgRegistry;
import io.cairn.osd.recovery.ObjectCopier;
import io.cairn.osd.scrub.PgScrubber;
import io.cairn.osd.scrub.ScrubRecord;
import io.cairn.osd.scrub.ShardsRepaired;
import io.cairn.osd.snap.driver.SnapTrimDriver;
import io.cairn.proto.v1.OsdStatsRequest;
import io.cairn.proto.v1.PgStat;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the monitors this OSD's space, client I/O, slow ops, recovery and repair counts, and the
 * state and size of every PG it leads, on a thread of its own. PG sizes come from the counts each
 * {@link Pg} keeps up to date; nothing here scans the store.
 */
public final class StatsReporter {
    private static final Logger LOG = LoggerFactory.getLogger(StatsReporter.class);

    private final MonLink mon;
    private final Supplier<OsdMap> maps;
    private final PgRegistry registry;
    private final PgStates states;
    private final ObjectStore store;
    private final OpTracker tracker;
    private final ObjectCopier copier;
    private final PgScrubber scrubber;
    private final ShardsRepaired shardsRepaired;
    private final SnapTrimDriver snapTrim;
    private final LongSupplier complaintMs;
    private final Clock clock;
    private final int me;

    public StatsReporter(MonLink mon, Supplier<OsdMap> maps, PgRegistry registry, PgStates states, ObjectStore store,
                         OpTracker tracker, ObjectCopier copier, PgScrubber scrubber, ShardsRepaired shardsRepaired,
                         SnapTrimDriver snapTrim, LongSupplier complaintMs, Clock clock, int me) {
        this.snapTrim = snapTrim;
        this.mon = mon;
        this.maps = maps;
        this.registry = registry;
        this.states = states;
        this.store = store;
        this.tracker = tracker;
        this.copier = copier;
        this.scrubber = scrubber;
        this.shardsRepaired = shardsRepaired;
        this.complaintMs = complaintMs;
        this.clock = clock;
        this.me = me;
    }

    /** One report (stats thread). */
    public void report() {
        try {
            OsdMap m = maps.get();
            if (m == null) {
                return;
            }
            mon.client().osdStats(build(m));
            mon.contacted();
        } catch (RuntimeException e) {
            LOG.debug("stats report failed: {}", e.toString());
        }
    }

    OsdStatsRequest build(OsdMap m) {
        var fs = store.statfs();
        OpTracker.SlowOps slow = tracker.slowOps(complaintMs.getAsLong());
        OpTracker.ClientIo io = tracker.clientIo();
        long repaired = scrubber.shardsRepaired();
        shardsRepaired.save(repaired);
        OsdStatsRequest.Builder b = OsdStatsRequest.newBuilder().setOsdId(me).setEpoch(m.epoch())
                .setTotalBytes(fs.totalBytes()).setUsedBytes(fs.allocatedBytes()).setAvailBytes(fs.availableBytes())
                .setRecoveredObjects(copier.copiedObjects()).setRecoveredBytes(copier.copiedBytes())
                .setStampMs(clock.monotonicMs()).setNumShardsRepaired(repaired)
                .setSlowOps(slow.count()).setOldestSlowOpSec((int) (slow.oldestMs() / 1000))
                .setClientReadOps(io.readOps()).setClientWriteOps(io.writeOps())
                .setClientReadBytes(io.readBytes()).setClientWriteBytes(io.writeBytes());
        for (PgId id : registry.held()) {
            Pool pool = m.pool(id.pool());
            if (pool == null || id.seed() >= pool.pgNum()) {
                continue;
            }
            PgMapping pm = m.mapPg(id);
            if (pm.actingPrimary() == me) {
                b.addPgs(pgStat(id, pool, pm, m));
            }
        }
        return b.build();
    }

    private PgStat pgStat(PgId id, Pool pool, PgMapping pm, OsdMap m) {
        Pg pg = registry.get(id);
        long objects = pg.objects();
        long[] dm = states.degradedAndMisplaced(id, pool, pm, objects);
        ScrubRecord scrub = scrubber.record(id);
        return PgStat.newBuilder().setPool(id.pool()).setSeed(id.seed()).setState(states.state(id, pool, pm, m))
                .setLastScrubStampMs(scrub.lastScrubMs()).setLastDeepScrubStampMs(scrub.lastDeepScrubMs())
                .setScrubErrors(scrub.errors()).setDegradedObjects(dm[0]).setMisplacedObjects(dm[1])
                .setObjects(objects).setBytes(pg.bytes())
                .setLogSize(Math.min(pg.lastVersion(), PgCopies.LOG_ENTRIES_KEPT))
                .addAllActing(pm.acting()).setEpoch(m.epoch())
                .addAllPurgedSnaps(ids(snapTrim.purged(id))).setSnaptrimqLen(snapTrim.queueLength(id)).build();
    }

    private static List<Long> ids(SnapIntervals s) {
        List<Long> out = new ArrayList<>();
        s.runs().forEach((start, len) -> {
            for (long i = 0; i < len; i++) {
                out.add(start + i);
            }
        });
        return out;
    }
}
