package io.cairn.objectstore.tool;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.Transaction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Measures a store: 4 MiB sequential object writes (MB/s, until durable), 4 KiB random
 * overwrites each waited on until durable (IOPS at queue depth 1, and at a higher depth where
 * group commit shares fsyncs), then 4 MiB sequential and 4 KiB random reads. Cleans up after.
 */
final class BenchRunner {
    static final int OBJECT_BYTES = 4 << 20;
    static final int SMALL_BYTES = 4096;
    private static final int SEQ_IN_FLIGHT = 4;
    private static final long WAIT_MS = 600_000;

    record Phase(String name, long ops, long bytes, double seconds, double latencyAvgMs, double latencyP99Ms) {
        double opsPerSecond() {
            return ops / seconds;
        }

        double mbPerSecond() {
            return bytes / seconds / 1e6;
        }
    }

    private final ObjectStore store;
    private final CollectionId coll;
    private final Random random;

    BenchRunner(ObjectStore store, long seed) {
        this.store = store;
        this.coll = CollectionId.of("bench-" + Long.toHexString(seed));
        this.random = new Random(seed);
    }

    List<Phase> run(int objects, double randomSeconds, int queueDepth) throws InterruptedException {
        store.apply(new Transaction().createCollection(coll, HashRange.ALL));
        List<ObjectId> oids = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            oids.add(ObjectId.head("bench-" + i, random.nextInt()));
        }
        List<Phase> phases = new ArrayList<>();
        try {
            phases.add(seqWrite(oids));
            phases.add(randomOverwrite(oids, randomSeconds, 1, "4k_random_overwrite_qd1"));
            phases.add(randomOverwrite(oids, randomSeconds, queueDepth, "4k_random_overwrite_qd" + queueDepth));
            phases.add(seqRead(oids));
            phases.add(randomRead(oids, randomSeconds));
        } finally {
            Transaction t = new Transaction();
            oids.forEach(o -> t.remove(coll, o));
            t.removeCollection(coll);
            store.queueTransaction(t).exceptionally(e -> null).join();
        }
        return phases;
    }

    private Phase seqWrite(List<ObjectId> oids) throws InterruptedException {
        byte[] data = new byte[OBJECT_BYTES];
        random.nextBytes(data);
        Semaphore window = new Semaphore(SEQ_IN_FLIGHT);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        long t0 = System.nanoTime();
        for (ObjectId o : oids) {
            acquire(window, 1);
            CompletableFuture<Void> f = store.queueTransaction(new Transaction().write(coll, o, 0, data));
            f.whenComplete((v, e) -> window.release());
            all.add(f);
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).join();
        double s = (System.nanoTime() - t0) / 1e9;
        return new Phase("4m_seq_write", oids.size(), (long) oids.size() * OBJECT_BYTES, s, s * 1000 / oids.size(), Double.NaN);
    }

    private Phase randomOverwrite(List<ObjectId> oids, double seconds, int depth, String name) throws InterruptedException {
        byte[] data = new byte[SMALL_BYTES];
        Semaphore window = new Semaphore(depth);
        long[] latNs = new long[1 << 20];
        int[] count = {0};
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        long ops = 0;
        while (System.nanoTime() < end && ops < latNs.length) {
            acquire(window, 1);
            random.nextBytes(data);
            ObjectId o = oids.get(random.nextInt(oids.size()));
            long off = (long) random.nextInt(OBJECT_BYTES / SMALL_BYTES) * SMALL_BYTES;
            long start = System.nanoTime();
            store.queueTransaction(new Transaction().write(coll, o, off, data)).whenComplete((v, e) -> {
                synchronized (latNs) {
                    latNs[count[0]++] = System.nanoTime() - start;
                }
                window.release();
            });
            ops++;
        }
        acquire(window, depth);
        double s = (System.nanoTime() - t0) / 1e9;
        long[] lat;
        synchronized (latNs) {
            lat = Arrays.copyOf(latNs, count[0]);
        }
        Arrays.sort(lat);
        double avgMs = Arrays.stream(lat).average().orElse(0) / 1e6;
        double p99Ms = lat.length == 0 ? 0 : lat[(int) Math.min(lat.length - 1, Math.floor(lat.length * 0.99))] / 1e6;
        return new Phase(name, ops, ops * SMALL_BYTES, s, avgMs, p99Ms);
    }

    private Phase seqRead(List<ObjectId> oids) {
        long t0 = System.nanoTime();
        long bytes = 0;
        for (ObjectId o : oids) {
            bytes += store.read(coll, o, 0, 0).length;
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return new Phase("4m_seq_read", oids.size(), bytes, s, s * 1000 / oids.size(), Double.NaN);
    }

    private Phase randomRead(List<ObjectId> oids, double seconds) {
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        long ops = 0;
        while (System.nanoTime() < end) {
            ObjectId o = oids.get(random.nextInt(oids.size()));
            store.read(coll, o, (long) random.nextInt(OBJECT_BYTES / SMALL_BYTES) * SMALL_BYTES, SMALL_BYTES);
            ops++;
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return new Phase("4k_random_read", ops, ops * SMALL_BYTES, s, s * 1000 / ops, Double.NaN);
    }

    private static void acquire(Semaphore s, int permits) throws InterruptedException {
        if (!s.tryAcquire(permits, WAIT_MS, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("bench: store did not complete writes within " + WAIT_MS + " ms");
        }
    }

    static Map<String, Object> json(Phase p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phase", p.name());
        m.put("ops", p.ops());
        m.put("seconds", round(p.seconds()));
        m.put("ops_per_second", round(p.opsPerSecond()));
        m.put("mb_per_second", round(p.mbPerSecond()));
        m.put("latency_avg_ms", round(p.latencyAvgMs()));
        m.put("latency_p99_ms", Double.isNaN(p.latencyP99Ms()) ? null : round(p.latencyP99Ms()));
        return m;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
