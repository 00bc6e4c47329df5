package io.cairn.cli.crush;

import io.cairn.cli.CairnCommand;
import io.cairn.common.cli.Json;
import io.cairn.common.cli.OutputFormat;
import io.cairn.common.cli.UserInputException;
import io.cairn.crush.CrushMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn crush bench}: mappings per second for one rule, after a warm-up, over x = 0..count-1
 * (the inputs {@code crushtool --test --min-x 0 --max-x count-1} maps), on one or more threads
 * sharing the map.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure CRUSH mappings per second.")
public final class CrushBenchCommand implements Runnable {
    private static final int ROUNDS_MAX = 100;

    @Spec
    CommandSpec spec;

    @Mixin
    MapFileOption mapFile;

    @Option(names = "--rule", required = true, paramLabel = "R", description = "Rule id.")
    int rule;

    @Option(names = "--num-rep", required = true, paramLabel = "N", description = "Replicas per mapping.")
    int numRep;

    @Option(names = "--count", defaultValue = "1000000", paramLabel = "M", description = "Mappings per round (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "K", description = "Measured rounds; the best is reported (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "T", description = "Threads sharing the map (default ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public void run() {
        if (count <= 0 || numRep <= 0 || threads <= 0 || threads > 256 || rounds <= 0 || rounds > ROUNDS_MAX) {
            throw new UserInputException("--count, --num-rep must be positive; --threads 1..256; --rounds 1.." + ROUNDS_MAX);
        }
        CrushMap map = mapFile.load();
        if (map.rule(rule) == null) {
            throw new UserInputException("rule " + rule + " does not exist in " + mapFile);
        }
        int[] weights = map.defaultWeights();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            runRound(pool, map, weights); // warm-up: JIT and per-thread workspaces
            long bestNanos = Long.MAX_VALUE;
            long checksum = 0;
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                checksum = runRound(pool, map, weights);
                bestNanos = Math.min(bestNanos, System.nanoTime() - start);
            }
            report(bestNanos, checksum);
        } finally {
            pool.shutdownNow();
        }
    }

    private long runRound(ExecutorService pool, CrushMap map, int[] weights) {
        List<Future<Long>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int from = (int) ((long) count * t / threads);
            int to = (int) ((long) count * (t + 1) / threads);
            parts.add(pool.submit(() -> {
                int[] out = new int[numRep];
                long sum = 0;
                for (int x = from; x < to; x++) {
                    int n = map.map(rule, x, numRep, weights, out);
                    sum += n == 0 ? 0 : out[0];
                }
                return sum;
            }));
        }
        long sum = 0;
        try {
            for (Future<Long> f : parts) {
                sum += f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("mapping failed: " + e.getCause(), e.getCause());
        }
        return sum;
    }

    private void report(long nanos, long checksum) {
        double seconds = nanos / 1e9;
        double rate = count / seconds;
        OutputFormat format = CairnCommand.of(spec).format();
        if (format.isJson()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", rule);
            m.put("num_rep", numRep);
            m.put("mappings", count);
            m.put("threads", threads);
            m.put("seconds", seconds);
            m.put("mappings_per_sec", Math.round(rate));
            m.put("checksum", checksum);
            CairnCommand.out(spec).println(Json.write(m, format == OutputFormat.JSON_PRETTY));
        } else {
            CairnCommand.out(spec).println(String.format(Locale.ROOT,
                    "rule %d num_rep %d: %d mappings in %.3f s on %d thread(s): %.0f mappings/s (%.0f ns/mapping)",
                    rule, numRep, count, seconds, threads, rate, nanos / (double) count * threads));
        }
    }
}
