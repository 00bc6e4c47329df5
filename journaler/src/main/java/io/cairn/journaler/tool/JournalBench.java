package io.cairn.journaler.tool;

import io.cairn.common.layout.StripeLayout;
import io.cairn.journaler.Journal;
import io.cairn.journaler.JournalMetrics;
import io.cairn.journaler.JournalObjects;
import io.cairn.journaler.JournalPointer;
import io.cairn.journaler.JournalWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn journal bench}: threads append entries through one writer, each waiting for its
 * entry's flush before the next, for a bounded time; prints entries per second and the flush
 * latency percentiles those threads saw.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Append through one writer from several threads; print entries/s and flush latency p50/p99.")
final class JournalBench implements Callable<Integer> {
    private static final int SECONDS_MAX = 3600;
    private static final int THREADS_MAX = 256;
    private static final int SAMPLES_PER_THREAD_MAX = 2_000_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--entry-size", defaultValue = "1024", paramLabel = "BYTES", description = "Payload bytes per entry.")
    int entryBytes;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = "Appending threads.")
    int threads;

    @Option(names = "--seconds", defaultValue = "10", paramLabel = "S", description = "How long to append.")
    int seconds;

    @Option(names = "--object-size", defaultValue = "4194304", paramLabel = "BYTES",
            description = "Object size of the journal the bench creates.")
    int objectSizeBytes;

    @Option(names = "--no-cleanup", description = "Keep the journal afterwards.")
    boolean noCleanup;

    @Override
    public Integer call() throws InterruptedException {
        if (threads < 1 || threads > THREADS_MAX || seconds < 1 || seconds > SECONDS_MAX || entryBytes < 0) {
            throw new IllegalArgumentException("--threads 1.." + THREADS_MAX + ", --seconds 1.." + SECONDS_MAX
                    + ", --entry-size >= 0");
        }
        String name = JournalCommand.name(spec);
        try (JournalCommand.Session s = JournalCommand.connect(spec)) {
            JournalCommand.createIfMissing(s.io(), name, StripeLayout.ofObjectSize(objectSizeBytes));
            long[][] latencies = new long[threads][];
            int[] counts = new int[threads];
            AtomicLong failures = new AtomicLong();
            long startNs;
            long elapsedNs;
            try (JournalWriter w = JournalWriter.open(s.io(), name, s.options(), JournalMetrics.unregistered(name))) {
                long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                Thread[] workers = new Thread[threads];
                startNs = System.nanoTime();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    latencies[t] = new long[1024];
                    workers[t] = Thread.ofPlatform().name("journal-bench-" + t).start(() -> {
                        byte[] payload = new byte[entryBytes];
                        new SplittableRandom(id).nextBytes(payload);
                        while (System.nanoTime() < endNs && counts[id] < SAMPLES_PER_THREAD_MAX) {
                            long t0 = System.nanoTime();
                            try {
                                w.append(payload);
                                w.flush().join();
                            } catch (RuntimeException e) {
                                failures.incrementAndGet();
                                return;
                            }
                            if (counts[id] == latencies[id].length) {
                                latencies[id] = Arrays.copyOf(latencies[id], counts[id] * 2);
                            }
                            latencies[id][counts[id]++] = System.nanoTime() - t0;
                        }
                    });
                }
                for (Thread worker : workers) {
                    worker.join();
                }
                elapsedNs = System.nanoTime() - startNs;
            }
            long total = Arrays.stream(counts).sum();
            long[] all = new long[(int) total];
            int at = 0;
            for (int t = 0; t < threads; t++) {
                System.arraycopy(latencies[t], 0, all, at, counts[t]);
                at += counts[t];
            }
            Arrays.sort(all);
            double secs = elapsedNs / 1e9;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("entry_size", entryBytes);
            m.put("threads", threads);
            m.put("seconds", secs);
            m.put("entries", total);
            m.put("entries_per_sec", total / secs);
            m.put("bytes_per_sec", total * (double) entryBytes / secs);
            m.put("flush_latency_p50_ms", percentileMs(all, 0.50));
            m.put("flush_latency_p99_ms", percentileMs(all, 0.99));
            m.put("failures", failures.get());
            JournalCommand.print(spec, m, String.format(Locale.ROOT, "entry size %d B, %d threads, %.1f s: %d entries, "
                    + "%.1f entries/s, %.2f MiB/s; append+flush latency p50 %.2f ms, p99 %.2f ms%s", entryBytes,
                    threads, secs, total, total / secs, total * (double) entryBytes / secs / (1 << 20),
                    percentileMs(all, 0.50), percentileMs(all, 0.99),
                    failures.get() > 0 ? "; " + failures.get() + " threads failed" : ""));
            if (!noCleanup) {
                Journal.delete(s.io(), new JournalObjects(JournalPointer.read(s.io(), name).front()));
            }
            return failures.get() == 0 ? 0 : 1;
        }
    }

    private static double percentileMs(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
    }
}
