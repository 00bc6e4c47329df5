package io.cairn.mds;

import io.cairn.proto.v1.MdsRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/** A rank's meters, tagged with the rank: requests and reply latency by op, journal events, cache and log sizes. */
final class MdsMetrics {
    /** What the gauges show, refreshed by the rank's thread. */
    record Counters(long inodes, int dirs, int dirtyDirs, int segments, int purgeQueue, int sessions) {
        static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0);
    }

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Map<MdsRequest.OpCase, Counter> requests = new EnumMap<>(MdsRequest.OpCase.class);
    private final Map<MdsRequest.OpCase, Timer> latency = new EnumMap<>(MdsRequest.OpCase.class);
    private final Counter errors;
    private final Counter events;
    private final Counter writebackObjects;

    MdsMetrics(MeterRegistry registry, int rank, Supplier<Counters> counters, Supplier<Integer> slowRequests) {
        this.registry = registry;
        String r = Integer.toString(rank);
        for (MdsRequest.OpCase op : MdsRequest.OpCase.values()) {
            String name = op.name().toLowerCase(java.util.Locale.ROOT);
            requests.put(op, add(Counter.builder("cairn_mds_requests").tag("rank", r).tag("op", name)
                    .description("Client requests handled, by operation").register(registry)));
            latency.put(op, add(Timer.builder("cairn_mds_reply_latency").tag("rank", r).tag("op", name)
                    .description("From a request's arrival to its safe reply").publishPercentiles(0.5, 0.99)
                    .register(registry)));
        }
        errors = add(Counter.builder("cairn_mds_request_errors").tag("rank", r)
                .description("Requests answered with an error code").register(registry));
        events = add(Counter.builder("cairn_mds_journal_events").tag("rank", r)
                .description("Events appended to the journal").register(registry));
        writebackObjects = add(Counter.builder("cairn_mds_writeback_objects").tag("rank", r)
                .description("Objects written by journal segment writeback").register(registry));
        gauge("cairn_mds_cache_inodes", "Inodes in the cache", r, counters, Counters::inodes);
        gauge("cairn_mds_cache_dirs", "Directories in the cache", r, counters, Counters::dirs);
        gauge("cairn_mds_dirty_dirs", "Directories changed since they were last written back", r, counters,
                Counters::dirtyDirs);
        gauge("cairn_mds_log_segments", "Journal segments not yet expired", r, counters, Counters::segments);
        gauge("cairn_mds_purge_queue", "Deleted files whose data is still to be removed", r, counters,
                Counters::purgeQueue);
        gauge("cairn_mds_sessions", "Clients with completed requests remembered", r, counters, Counters::sessions);
        meters.add(Gauge.builder("cairn_mds_slow_requests", () -> slowRequests.get()).tag("rank", r)
                .description("Requests waiting longer than mds_op_complaint_time").register(registry));
    }

    private <M extends Meter> M add(M m) {
        meters.add(m);
        return m;
    }

    private void gauge(String name, String description, String rank, Supplier<Counters> counters,
            ToDoubleFunction<Counters> value) {
        meters.add(Gauge.builder(name, () -> value.applyAsDouble(counters.get())).tag("rank", rank)
                .description(description).register(registry));
    }

    void replied(MdsRequest.OpCase op, long latencyNanos, int code) {
        requests.get(op).increment();
        latency.get(op).record(latencyNanos, TimeUnit.NANOSECONDS);
        if (code != 0) {
            errors.increment();
        }
    }

    void journaled() {
        events.increment();
    }

    void wroteBack(int objects) {
        writebackObjects.increment(objects);
    }

    void close() {
        meters.forEach(registry::remove);
    }
}
