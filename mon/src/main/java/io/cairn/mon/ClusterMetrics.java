package io.cairn.mon;

import io.cairn.common.osdmap.OsdMap;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The cluster-wide gauges a dashboard needs (what Ceph's mgr exports): health, OSDs up and in,
 * PGs per state, client and recovery I/O, space. The leader sets them on each health tick; every
 * other monitor shows zeros, so {@code max()} over the monitors is the cluster's value.
 */
final class ClusterMetrics {
    /** The PG state words a dashboard shows; a PG counts under each word of its state ("active+clean"). */
    static final List<String> PG_STATES = List.of("active", "clean", "peering", "degraded", "undersized", "remapped",
            "recovering", "recovery_wait", "backfilling", "backfill_wait", "backfill_toofull", "scrubbing", "deep",
            "inconsistent", "stale", "down", "incomplete");

    /** One tick's values. */
    record Snapshot(int healthStatus, int osds, int osdsUp, int osdsIn, int pgs, Map<String, Integer> pgStates,
            PgStatsTable.ClientIo clientIo, PgStatsTable.Recovery recovery, long totalBytes, long usedBytes,
            long availBytes, long storedBytes, long objects) {
        static final Snapshot NONE = new Snapshot(0, 0, 0, 0, 0, Map.of(), new PgStatsTable.ClientIo(0, 0, 0, 0),
                new PgStatsTable.Recovery(0, 0, 0, 0, 0, 0), 0, 0, 0, 0, 0);
    }

    private final AtomicReference<Snapshot> now = new AtomicReference<>(Snapshot.NONE);

    ClusterMetrics(MeterRegistry registry) {
        gauge(registry, "cairn.cluster.health.status", "Overall health: 0 HEALTH_OK, 1 HEALTH_WARN, 2 HEALTH_ERR",
                Snapshot::healthStatus);
        gauge(registry, "cairn.cluster.osds", "OSDs in the map", Snapshot::osds);
        gauge(registry, "cairn.cluster.osds.up", "OSDs up", Snapshot::osdsUp);
        gauge(registry, "cairn.cluster.osds.in", "OSDs in", Snapshot::osdsIn);
        gauge(registry, "cairn.cluster.pgs", "PGs in all pools", Snapshot::pgs);
        for (String state : PG_STATES) {
            Gauge.builder("cairn.cluster.pgs.state", now, r -> r.get().pgStates().getOrDefault(state, 0))
                    .tag("state", state).description("PGs whose state includes this word").register(registry);
        }
        gauge(registry, "cairn.cluster.client.read.ops", "Client reads per second", s -> s.clientIo().readOpsPerSec());
        gauge(registry, "cairn.cluster.client.write.ops", "Client writes per second", s -> s.clientIo().writeOpsPerSec());
        gauge(registry, "cairn.cluster.client.read.bytes", "Client bytes read per second",
                s -> s.clientIo().readBytesPerSec());
        gauge(registry, "cairn.cluster.client.write.bytes", "Client bytes written per second",
                s -> s.clientIo().writeBytesPerSec());
        gauge(registry, "cairn.cluster.recovery.objects", "Objects recovered per second",
                s -> s.recovery().objectsPerSec());
        gauge(registry, "cairn.cluster.recovery.bytes", "Bytes recovered per second", s -> s.recovery().bytesPerSec());
        gauge(registry, "cairn.cluster.objects.degraded", "Object copies missing", s -> s.recovery().degradedObjects());
        gauge(registry, "cairn.cluster.objects.misplaced", "Object copies on the wrong OSDs",
                s -> s.recovery().misplacedObjects());
        gauge(registry, "cairn.cluster.space.total.bytes", "Raw space of every OSD", Snapshot::totalBytes);
        gauge(registry, "cairn.cluster.space.used.bytes", "Raw space used", Snapshot::usedBytes);
        gauge(registry, "cairn.cluster.space.avail.bytes", "Raw space available", Snapshot::availBytes);
        gauge(registry, "cairn.cluster.stored.bytes", "Bytes clients stored (one copy)", Snapshot::storedBytes);
        gauge(registry, "cairn.cluster.objects", "Objects clients stored", Snapshot::objects);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<Snapshot> f) {
        Gauge.builder(name, now, r -> f.applyAsDouble(r.get())).description(description).register(registry);
    }

    /** The leader's values of this tick. */
    void update(OsdMap map, PgStatsTable.Summary stats, HealthChecks.Severity health) {
        Map<String, Integer> states = new java.util.HashMap<>();
        int pgs = 0;
        for (Map.Entry<String, Integer> e : stats.pgStates().entrySet()) {
            pgs += e.getValue();
            for (String word : e.getKey().split("\\+")) {
                states.merge(word, e.getValue(), Integer::sum);
            }
        }
        now.set(new Snapshot(health.ordinal(), map.numOsds(), map.numUpOsds(), map.numInOsds(), pgs, Map.copyOf(states),
                stats.clientIo(), stats.recovery(), stats.totalBytes(), stats.usedBytes(), stats.availBytes(),
                stats.storedBytes(), stats.objects()));
    }

    /** Not the leader (any more): zeros, so that only the leader's values count. */
    void clear() {
        now.set(Snapshot.NONE);
    }
}
