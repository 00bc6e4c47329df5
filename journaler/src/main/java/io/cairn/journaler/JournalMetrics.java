package io.cairn.journaler;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** One journal writer's meters, tagged with the journal's name: bytes and entries appended, flush latency, positions. */
public final class JournalMetrics {
    /** The positions the gauges show. */
    public record Positions(long writePos, long expirePos) { }

    private final MeterRegistry registry;
    private final String journal;
    private final Counter bytes;
    private final Counter entries;
    private final Timer flushLatency;
    private final List<Meter> meters = new ArrayList<>();

    public JournalMetrics(MeterRegistry registry, String journal) {
        this.registry = registry;
        this.journal = journal;
        bytes = Counter.builder("cairn_journal_appended_bytes").tag("journal", journal)
                .description("Bytes appended to the journal, frames included").register(registry);
        entries = Counter.builder("cairn_journal_appended_entries").tag("journal", journal)
                .description("Entries appended to the journal").register(registry);
        flushLatency = Timer.builder("cairn_journal_flush_latency").tag("journal", journal)
                .description("From flush() to every entry before it being durable").publishPercentiles(0.5, 0.99)
                .register(registry);
        meters.addAll(List.of(bytes, entries, flushLatency));
    }

    /** Meters that go nowhere, for a tool run. */
    public static JournalMetrics unregistered(String journal) {
        return new JournalMetrics(new SimpleMeterRegistry(), journal);
    }

    void positions(Supplier<Positions> source) {
        meters.add(Gauge.builder("cairn_journal_write_pos", () -> source.get().writePos()).tag("journal", journal)
                .description("Durable end of the journal, bytes").baseUnit("bytes").register(registry));
        meters.add(Gauge.builder("cairn_journal_expire_pos", () -> source.get().expirePos()).tag("journal", journal)
                .description("Start of the journal still needed, bytes").baseUnit("bytes").register(registry));
    }

    void appended(long frameBytes) {
        bytes.increment(frameBytes);
        entries.increment();
    }

    void flushed(long latencyNanos) {
        flushLatency.record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    void close() {
        meters.forEach(registry::remove);
    }
}
