package io.cairn.cli.crush;

import io.cairn.cli.CairnCommand;
import io.cairn.common.cli.Json;
import io.cairn.common.cli.OutputFormat;
import io.cairn.common.cli.UserInputException;
import io.cairn.crush.CrushMap;
import io.cairn.crush.Rule;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn crush test}: runs rules over a range of inputs as {@code crushtool --test} does,
 * printing crushtool's own lines so the two can be diffed.
 */
@Command(name = "test", mixinStandardHelpOptions = true, description = "Map inputs through a rule, as crushtool --test.")
public final class CrushTestCommand implements Runnable {
    private static final int OUT_BUFFER_CHARS = 1 << 16;
    /** Inputs one worker maps at a time. */
    private static final int RANGE_INPUTS = 1 << 15;

    @Spec
    CommandSpec spec;

    @Mixin
    MapFileOption mapFile;

    @Option(names = "--rule", paramLabel = "R", description = "Rule id (default: every rule).")
    Integer rule;

    @Option(names = "--num-rep", paramLabel = "N",
            description = "Replicas asked for (default: each from the rule's min_size to max_size).")
    Integer numRep;

    @Option(names = "--min-x", paramLabel = "A", defaultValue = "0", description = "First input (default ${DEFAULT-VALUE}).")
    int minX;

    @Option(names = "--max-x", paramLabel = "B", defaultValue = "1023", description = "Last input (default ${DEFAULT-VALUE}).")
    int maxX;

    @Option(names = "--pool-id", paramLabel = "P", description = "Hash each x with this pool id first.")
    Integer poolId;

    @Option(names = "--weight", arity = "2", paramLabel = "DEV W",
            description = "Reweight device DEV to W (0..1), as crushtool; repeatable.")
    List<String> weightArgs = new ArrayList<>();

    @Option(names = "--show-mappings", description = "Print each mapping: CRUSH rule R x X [a,b,c].")
    boolean showMappings;

    @Option(names = "--show-statistics", description = "Print how many inputs got each result size.")
    boolean showStatistics;

    @Option(names = "--show-utilization", description = "Print how many results each device got, and the expected count.")
    boolean showUtilization;

    @Override
    public void run() {
        if (maxX < minX) {
            throw new UserInputException("--max-x " + maxX + " is below --min-x " + minX);
        }
        if (numRep != null && numRep <= 0) {
            throw new UserInputException("--num-rep must be positive: " + numRep);
        }
        CrushMap map = mapFile.load();
        int[] weights = reweights(map);
        List<Rule> rules = new ArrayList<>();
        if (rule != null) {
            Rule r = map.rule(rule);
            if (r == null) {
                throw new UserInputException("rule " + rule + " does not exist in " + mapFile);
            }
            rules.add(r);
        } else {
            rules.addAll(map.rules());
        }
        OutputFormat format = CairnCommand.of(spec).format();
        // a million lines: the command's writer flushes at every line, one write(2) each
        PrintWriter out = new PrintWriter(new BufferedWriter(CairnCommand.out(spec), OUT_BUFFER_CHARS), false);
        try {
            runRules(map, weights, rules, format, out);
        } finally {
            out.flush();
        }
    }

    private void runRules(CrushMap map, int[] weights, List<Rule> rules, OutputFormat format, PrintWriter out) {
        List<Object> json = new ArrayList<>();
        for (Rule r : rules) {
            int from = numRep != null ? numRep : Math.max(1, r.minSize());
            int to = numRep != null ? numRep : Math.max(from, r.maxSize());
            if ((showStatistics || showUtilization) && !format.isJson()) {
                out.println("rule " + r.id() + " (" + r.name() + "), x = " + minX + ".." + maxX
                        + ", numrep = " + from + ".." + to);
            }
            if (java.util.Arrays.stream(weights).asLongStream().sum() == 0) {
                continue; // as crushtool: nothing to test when every reweight is zero
            }
            for (int n = from; n <= to; n++) {
                json.add(runOne(map, r, n, weights, format, out));
            }
        }
        if (format.isJson()) {
            out.println(Json.write(json, format == OutputFormat.JSON_PRETTY));
        }
    }

    private int[] reweights(CrushMap map) {
        int[] w = map.defaultWeights();
        for (int i = 0; i + 1 < weightArgs.size(); i += 2) {
            int dev;
            double value;
            try {
                dev = Integer.parseInt(weightArgs.get(i));
                value = Double.parseDouble(weightArgs.get(i + 1));
            } catch (NumberFormatException e) {
                throw new UserInputException("--weight takes a device id and a decimal 0..1: "
                        + weightArgs.get(i) + " " + weightArgs.get(i + 1));
            }
            if (dev < 0 || !(value >= 0 && value <= 1)) {
                throw new UserInputException("--weight takes a device id >= 0 and a weight in 0..1: "
                        + weightArgs.get(i) + " " + weightArgs.get(i + 1));
            }
            if (dev >= w.length) {
                w = java.util.Arrays.copyOf(w, dev + 1);
            }
            // crushtool: (int)(w * 0x10000), clamped to 0..0x10000
            w[dev] = (int) Math.min(0x10000, Math.max(0, (int) (value * 0x10000)));
        }
        return w;
    }

    /** What one stretch of inputs mapped to: its text lines, result sizes, counts per device, JSON rows. */
    private record MappedRange(String lines, Map<Integer, Integer> sizes, long[] perDevice, List<Object> mappings) { }

    /** Maps inputs {@code [fromX, toX]} through the rule; pure, so ranges can run side by side. */
    private MappedRange mapRange(CrushMap map, Rule r, int n, int[] weights, boolean json, long fromX, long toX) {
        int[] result = new int[n];
        Map<Integer, Integer> sizes = new TreeMap<>();
        long[] perDevice = new long[weights.length];
        List<Object> mappings = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (long xl = fromX; xl <= toX; xl++) {
            int x = (int) xl;
            int input = poolId == null ? x : CrushMap.poolInput(x, poolId);
            int len = map.map(r.id(), input, n, weights, result);
            sizes.merge(len, 1, Integer::sum);
            for (int i = 0; i < len; i++) {
                if (result[i] >= 0 && result[i] < perDevice.length) {
                    perDevice[result[i]]++;
                }
            }
            if (showMappings) {
                if (json) {
                    mappings.add(Map.of("x", x, "osds", java.util.Arrays.copyOf(result, len)));
                } else {
                    lines.append("CRUSH rule ").append(r.id()).append(" x ").append(x).append(" [");
                    for (int i = 0; i < len; i++) {
                        lines.append(i == 0 ? "" : ",").append(result[i]);
                    }
                    lines.append(']').append(System.lineSeparator());
                }
            }
        }
        return new MappedRange(lines.toString(), sizes, perDevice, mappings);
    }

    /**
     * Maps every input, in ranges of {@link #RANGE_INPUTS} run on all cores (crushtool maps on
     * one), printed and summed in input order as each comes in; at most two ranges per core wait.
     */
    private Map<String, Object> runOne(CrushMap map, Rule r, int n, int[] weights, OutputFormat format,
                                       PrintWriter out) {
        Map<Integer, Integer> sizes = new TreeMap<>();
        long[] perDevice = new long[weights.length];
        List<Object> mappings = new ArrayList<>();
        long ranges = ((long) maxX - minX) / RANGE_INPUTS + 1;
        int threads = (int) Math.min(Runtime.getRuntime().availableProcessors(), ranges);
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, t -> {
            Thread th = new Thread(t, "crush-test");
            th.setDaemon(true);
            return th;
        }) : null;
        try {
            Deque<Future<MappedRange>> waiting = new ArrayDeque<>();
            long next = minX;
            while (next <= maxX || !waiting.isEmpty()) {
                while (next <= maxX && waiting.size() < 2 * Math.max(1, threads)) {
                    long from = next;
                    long to = Math.min(maxX, from + RANGE_INPUTS - 1);
                    Callable<MappedRange> work = () -> mapRange(map, r, n, weights, format.isJson(), from, to);
                    waiting.add(pool != null ? pool.submit(work) : CompletableFuture.completedFuture(work.call()));
                    next = to + 1;
                }
                MappedRange m = waiting.poll().get();
                out.print(m.lines());
                m.sizes().forEach((size, count) -> sizes.merge(size, count, Integer::sum));
                for (int d = 0; d < perDevice.length; d++) {
                    perDevice[d] += m.perDevice()[d];
                }
                mappings.addAll(m.mappings());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("crush test interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        long total = (long) maxX - minX + 1;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("rule_id", r.id());
        summary.put("rule_name", r.name());
        summary.put("num_rep", n);
        summary.put("min_x", minX);
        summary.put("max_x", maxX);
        if (showMappings) {
            summary.put("mappings", mappings);
        }
        if (showStatistics || showUtilization) {
            Map<String, Object> stats = new LinkedHashMap<>();
            sizes.forEach((size, count) -> {
                stats.put(Integer.toString(size), count);
                if (!format.isJson()) {
                    out.println("rule " + r.id() + " (" + r.name() + ") num_rep " + n + " result size == "
                            + size + ":\t" + count + "/" + total);
                }
            });
            summary.put("result_sizes", stats);
        }
        if (showUtilization) {
            summary.put("devices", utilization(weights, perDevice, total * n, format, out));
        }
        return summary;
    }

    /**
     * Results per device that got any, beside crushtool's "expected": every placement asked for,
     * spread evenly over the devices whose reweight is above zero.
     */
    private List<Object> utilization(int[] weights, long[] perDevice, long wanted, OutputFormat format,
                                     PrintWriter out) {
        long inDevices = 0;
        for (int w : weights) {
            if (w > 0) {
                inDevices++;
            }
        }
        double expected = inDevices == 0 ? 0 : wanted / (double) inDevices;
        List<Object> devices = new ArrayList<>();
        for (int d = 0; d < perDevice.length; d++) {
            if (perDevice[d] == 0) {
                continue;
            }
            if (format.isJson()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", d);
                row.put("stored", perDevice[d]);
                row.put("expected", expected);
                devices.add(row);
            } else {
                out.println("  device " + d + ":\t\t stored : " + perDevice[d] + "\t expected : " + cppDefault(expected));
            }
        }
        return devices;
    }

    /** A double as C++ streams print it by default: 6 significant digits, no trailing zeros. */
    static String cppDefault(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return Long.toString((long) v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
