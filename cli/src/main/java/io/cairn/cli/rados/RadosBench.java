package io.cairn.cli.rados;

import io.cairn.client.IoCtx;
import io.cairn.client.Rados;
import io.cairn.common.cli.UserInputException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn rados bench -p POOL SECONDS write|seq|rand [-b BYTES] [-t N] [--no-cleanup]}:
 * keeps N operations in flight for the given time, prints a line per second and the summary
 * with {@code rados bench}'s labels. {@code write} leaves its object list in
 * {@code benchmark_last_metadata} so {@code seq} and {@code rand} can read the objects back.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure write or read throughput and latency.")
public final class RadosBench implements java.util.concurrent.Callable<Integer> {
    private static final String METADATA = "benchmark_last_metadata";
    private static final int SECONDS_MAX = 3600;

    @Spec
    CommandSpec spec;

    @ParentCommand
    RadosCommand parent;

    @Parameters(index = "0", paramLabel = "SECONDS")
    int seconds;

    @Parameters(index = "1", paramLabel = "write|seq|rand")
    String mode;

    @Option(names = {"-b", "--block-size"}, defaultValue = "4194304", paramLabel = "BYTES", description = "Object size (default 4 MiB).")
    int blockBytes;

    @Option(names = {"-t", "--concurrent-ios"}, defaultValue = "16", paramLabel = "N", description = "Operations in flight (default 16).")
    int concurrency;

    @Option(names = "--no-cleanup", description = "Keep the written objects (needed for a later seq or rand).")
    boolean noCleanup;

    @Option(names = "--max-objects", defaultValue = "0", paramLabel = "N",
            description = "Stop a write bench after N objects (0: only the time limit).")
    long maxObjects;

    @Option(names = "--reuse-bench", description = "Write over the objects the last write bench left (their names).")
    boolean reuseBench;

    private record Sample(long startNanos, long endNanos) { }

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || seconds > SECONDS_MAX || concurrency < 1 || concurrency > 1024 || blockBytes < 1
                || blockBytes > (64 << 20)) {
            throw new UserInputException("need 1 <= SECONDS <= 3600, 1 <= -t <= 1024, 1 <= -b <= 64 MiB");
        }
        if (maxObjects < 0) {
            throw new UserInputException("--max-objects must be >= 0");
        }
        if (!List.of("write", "seq", "rand").contains(mode)) {
            throw new UserInputException("unknown bench mode '" + mode + "' (write, seq, rand)");
        }
        PrintWriter out = spec.commandLine().getOut();
        String pool = RadosCommand.pool(spec, parent.pool);
        try (Rados rados = RadosCommand.connect(spec); IoCtx io = rados.ioCtx(pool)) {
            if (mode.equals("write")) {
                write(io, out);
            } else {
                read(io, out, mode.equals("rand"));
            }
        }
        out.flush();
        return 0;
    }

    private void write(IoCtx io, PrintWriter out) {
        // reusing: the same names again (overwrites, as Ceph's --reuse-bench), at least as many objects as before
        String[] previous = reuseBench ? metadata(io) : null;
        String prefix = previous != null ? previous[0] : "benchmark_data_" + hostname() + "_" + ProcessHandle.current().pid();
        out.printf("hints = 1%nMaintaining %d concurrent writes of %d bytes to objects of size %d for up to %d seconds "
                + "or %d objects%nObject prefix: %s%n", concurrency, blockBytes, blockBytes, seconds, maxObjects, prefix);
        byte[] data = new byte[blockBytes];
        new SplittableRandom(42).nextBytes(data);
        AtomicLong next = new AtomicLong();
        Result r = run(out, i -> io.writeFullAsync(prefix + "_object" + i, data).thenApply(v -> null), next,
                maxObjects > 0 ? maxObjects : Long.MAX_VALUE);
        long objects = next.get();
        long kept = previous != null ? Math.max(r.done, Long.parseLong(previous[1])) : r.done;
        io.writeFull(METADATA, (prefix + "\n" + kept + "\n" + blockBytes + "\n").getBytes(StandardCharsets.UTF_8));
        summary(out, r, "writes", "Write size", true);
        if (!noCleanup) {
            long cleanStart = System.nanoTime();
            out.println("Cleaning up (deleting benchmark objects)");
            List<CompletableFuture<Long>> rm = new ArrayList<>();
            for (long i = 0; i < objects; i++) {
                rm.add(io.removeAsync(prefix + "_object" + i).exceptionally(e -> null));
            }
            rm.forEach(CompletableFuture::join);
            io.remove(METADATA);
            out.println("Clean up completed and total clean up time :"
                    + String.format(Locale.ROOT, "%.5f", (System.nanoTime() - cleanStart) / 1e9));
        }
    }

    /** The last write bench's prefix, object count and block size. */
    private static String[] metadata(IoCtx io) {
        try {
            return new String(io.read(METADATA, 0, 0), StandardCharsets.UTF_8).split("\n");
        } catch (io.cairn.client.RadosException.NotFound e) {
            throw new UserInputException("no benchmark objects: run 'rados bench ... write --no-cleanup' first");
        }
    }

    private void read(IoCtx io, PrintWriter out, boolean random) {
        String[] meta = metadata(io);
        String prefix = meta[0];
        long objects = Long.parseLong(meta[1]);
        blockBytes = Integer.parseInt(meta[2]);
        if (objects == 0) {
            throw new UserInputException("the last write bench left no objects");
        }
        SplittableRandom rnd = new SplittableRandom(7);
        AtomicLong next = new AtomicLong();
        // seq reads each object once, in order, and ends there (or at the time limit); rand picks at random
        Result r = run(out, i -> {
            long idx = random ? rnd.split().nextLong(objects) : i;
            return io.readViewAsync(prefix + "_object" + idx, 0, 0).thenApply(d -> null);
        }, next, random ? Long.MAX_VALUE : objects);
        summary(out, r, "reads", "Read size", false);
    }

    private record Result(long done, double seconds, List<Sample> samples, List<Long> perSecondOps, long bytesEach) { }

    private interface Op {
        CompletableFuture<Void> start(long i);
    }

    private Result run(PrintWriter out, Op op, AtomicLong next, long maxOps) {
        Semaphore slots = new Semaphore(concurrency);
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong started = new AtomicLong();
        AtomicLong finished = new AtomicLong();
        List<Long> perSecond = new ArrayList<>();
        long begin = System.nanoTime();
        long end = begin + TimeUnit.SECONDS.toNanos(seconds);
        long nextReport = begin + TimeUnit.SECONDS.toNanos(1);
        long lastFinished = 0;
        out.println("  sec Cur ops   started  finished  avg MB/s  cur MB/s last lat(s)  avg lat(s)");
        while (System.nanoTime() < end && failure.get() == null && next.get() < maxOps) {
            try {
                if (slots.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                    long i = next.getAndIncrement();
                    long t0 = System.nanoTime();
                    started.incrementAndGet();
                    op.start(i).whenComplete((v, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        } else {
                            samples.add(new Sample(t0, System.nanoTime()));
                            finished.incrementAndGet();
                        }
                        slots.release();
                    });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = System.nanoTime();
            if (now >= nextReport) {
                long f = finished.get();
                perSecond.add(f - lastFinished);
                double elapsed = (now - begin) / 1e9;
                out.printf(Locale.ROOT, "%5d %7d %9d %9d %9.4f %9.4f %11s %11s%n", perSecond.size(),
                        started.get() - f, started.get(), f, mb(f) / elapsed, mb(f - lastFinished), "-", "-");
                out.flush();
                lastFinished = f;
                nextReport += TimeUnit.SECONDS.toNanos(1);
            }
        }
        try {
            slots.acquire(concurrency);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("bench op failed: " + failure.get().getMessage(), failure.get());
        }
        double secs = (System.nanoTime() - begin) / 1e9;
        return new Result(finished.get(), secs, List.copyOf(samples), perSecond, blockBytes);
    }

    private double mb(long ops) {
        return ops * (double) blockBytes / (1024 * 1024);
    }

    private static void summary(PrintWriter out, Result r, String noun, String sizeLabel, boolean write) {
        double bw = r.done * (double) r.bytesEach / (1024 * 1024) / r.seconds;
        double[] lat = r.samples.stream().mapToDouble(s -> (s.endNanos - s.startNanos) / 1e9).toArray();
        double avgLat = mean(lat);
        double[] ops = r.perSecondOps.stream().mapToDouble(Long::doubleValue).toArray();
        double[] bws = r.perSecondOps.stream().mapToDouble(n -> n * (double) r.bytesEach / (1024 * 1024)).toArray();
        out.printf(Locale.ROOT, "Total time run:         %.4f%n", r.seconds);
        out.printf(Locale.ROOT, "Total %s made:      %d%n", noun, r.done);
        out.printf(Locale.ROOT, "%s:             %d%n", sizeLabel, r.bytesEach);
        out.printf(Locale.ROOT, "Object size:            %d%n", r.bytesEach);
        out.printf(Locale.ROOT, "Bandwidth (MB/sec):     %.4f%n", bw);
        if (write) {
            out.printf(Locale.ROOT, "Stddev Bandwidth:       %.4f%n", stddev(bws));
            out.printf(Locale.ROOT, "Max bandwidth (MB/sec): %.4f%n", max(bws));
            out.printf(Locale.ROOT, "Min bandwidth (MB/sec): %.4f%n", min(bws));
        }
        out.printf(Locale.ROOT, "Average IOPS:           %d%n", Math.round(r.done / r.seconds));
        out.printf(Locale.ROOT, "Stddev IOPS:            %.4f%n", stddev(ops));
        out.printf(Locale.ROOT, "Max IOPS:               %d%n", (long) max(ops));
        out.printf(Locale.ROOT, "Min IOPS:               %d%n", (long) min(ops));
        out.printf(Locale.ROOT, "Average Latency(s):     %.6f%n", avgLat);
        if (write) {
            out.printf(Locale.ROOT, "Stddev Latency(s):      %.6f%n", stddev(lat));
        }
        out.printf(Locale.ROOT, "Max latency(s):         %.6f%n", max(lat));
        out.printf(Locale.ROOT, "Min latency(s):         %.6f%n", min(lat));
        // not in Ceph's rados bench: the tail is what a client feels during recovery
        out.printf(Locale.ROOT, "p50 latency(s):         %.6f%n", percentile(lat, 50));
        out.printf(Locale.ROOT, "p99 latency(s):         %.6f%n", percentile(lat, 99));
        out.printf(Locale.ROOT, "p999 latency(s):        %.6f%n", percentile(lat, 99.9));
    }

    /** Nearest-rank percentile. */
    static double percentile(double[] v, double p) {
        if (v.length == 0) {
            return 0;
        }
        double[] sorted = v.clone();
        java.util.Arrays.sort(sorted);
        // the epsilon keeps 99.9 % of 2000 at rank 1998: in binary it comes out a hair above
        int rank = (int) Math.ceil(p / 100.0 * sorted.length - 1e-9);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double mean(double[] v) {
        return v.length == 0 ? 0 : java.util.Arrays.stream(v).average().orElse(0);
    }

    private static double stddev(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        return Math.sqrt(java.util.Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1));
    }

    private static double max(double[] v) {
        return java.util.Arrays.stream(v).max().orElse(0);
    }

    private static double min(double[] v) {
        return java.util.Arrays.stream(v).min().orElse(0);
    }

    private static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
