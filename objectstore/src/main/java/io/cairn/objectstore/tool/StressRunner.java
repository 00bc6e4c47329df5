package io.cairn.objectstore.tool;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.ObjectStoreException;
import io.cairn.objectstore.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Random transactions on objects of up to 1 MiB in collection {@code stress-<seed>}, several in
 * flight at once (so they share commits), each logged in an {@link AckedLog}. Two transactions
 * in flight never touch the same object, so after a crash each object is either as its last
 * acknowledged transaction left it or as the one begun after that did.
 */
final class StressRunner {
    static final int OBJECTS = 16;
    static final int IN_FLIGHT_MAX = 8;
    static final int OBJECTS_PER_TXN_MAX = 3;
    static final int OBJECT_BYTES_MAX = 1 << 20;
    private static final int SMALL_WRITE_BYTES_MAX = 64 << 10;
    private static final long DRAIN_WAIT_MS = 60_000;
    private static final Logger log = LoggerFactory.getLogger(StressRunner.class);

    record Result(long begun, long acked, long noSpace) {}

    private final ObjectStore store;
    private final long seed;
    private final CollectionId coll;
    private final AckedLog ackedLog;
    private final Random random;
    private final Map<ObjectId, byte[]> content = new HashMap<>();
    private final Set<ObjectId> inFlight = new HashSet<>();
    private final List<ObjectId> objects = new ArrayList<>();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong noSpace = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    StressRunner(ObjectStore store, long seed, AckedLog ackedLog) {
        this.store = store;
        this.seed = seed;
        this.coll = CollectionId.of("stress-" + seed);
        this.ackedLog = ackedLog;
        this.random = new Random(seed);
        for (int i = 0; i < OBJECTS; i++) {
            String name = "obj-" + i;
            objects.add(ObjectId.head(name, name.hashCode()));
        }
    }

    static String collectionName(long seed) {
        return "stress-" + seed;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    Result run(long seconds) throws InterruptedException {
        if (!store.collectionExists(coll)) {
            store.apply(new Transaction().createCollection(coll, HashRange.ALL));
        }
        for (ObjectId o : objects) {
            if (store.exists(coll, o)) {
                content.put(o, store.read(coll, o, 0, 0));
            }
        }
        log.info("stress seed {} on {} for {} s", seed, coll, seconds);
        Semaphore window = new Semaphore(IN_FLIGHT_MAX);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long txid = 0;
        while (System.nanoTime() < deadline && failure.get() == null) {
            if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            if (!submitOne(++txid, window)) {
                window.release();
                txid--;
                Thread.sleep(1);
            }
        }
        if (!window.tryAcquire(IN_FLIGHT_MAX, DRAIN_WAIT_MS, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("stress: transactions still in flight after " + DRAIN_WAIT_MS + " ms");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("stress: a transaction failed", failure.get());
        }
        return new Result(txid, acked.get(), noSpace.get());
    }

    /** Builds, logs and queues one transaction; false if every object is busy. */
    private boolean submitOne(long txid, Semaphore window) {
        List<ObjectId> touched = new ArrayList<>();
        ObjectId cloneSource;
        Map<ObjectId, byte[]> after = new HashMap<>();
        Transaction t = new Transaction();
        synchronized (this) {
            List<ObjectId> free = new ArrayList<>(objects);
            free.removeAll(inFlight);
            if (free.size() < 2) {
                return false;
            }
            java.util.Collections.shuffle(free, random);
            int n = 1 + random.nextInt(Math.min(OBJECTS_PER_TXN_MAX, free.size() - 1));
            touched.addAll(free.subList(0, n));
            cloneSource = free.get(n);
            for (ObjectId o : touched) {
                after.put(o, addOps(t, o, content.get(o), cloneSource, content.get(cloneSource)));
            }
            inFlight.addAll(touched);
            inFlight.add(cloneSource);
        }
        List<String[]> lines = new ArrayList<>();
        for (ObjectId o : touched) {
            byte[] c = after.get(o);
            lines.add(new String[] {o.name(), c == null ? "-" : sha256(c)});
        }
        ackedLog.begin(txid, coll.name(), lines);
        store.queueTransaction(t).whenComplete((v, e) -> {
            try {
                if (e == null) {
                    ackedLog.ack(txid);
                    acked.incrementAndGet();
                    synchronized (this) {
                        after.forEach((o, c) -> {
                            if (c == null) {
                                content.remove(o);
                            } else {
                                content.put(o, c);
                            }
                        });
                    }
                } else if (unwrap(e) instanceof ObjectStoreException.NoSpace) {
                    noSpace.incrementAndGet();
                } else {
                    failure.compareAndSet(null, unwrap(e));
                }
            } catch (RuntimeException logFailure) {
                failure.compareAndSet(null, logFailure);
            } finally {
                synchronized (this) {
                    inFlight.removeAll(touched);
                    inFlight.remove(cloneSource);
                }
                window.release();
            }
        });
        return true;
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** Adds ops on {@code o} to {@code t}; returns its content afterwards (null if removed). */
    private byte[] addOps(Transaction t, ObjectId o, byte[] cur, ObjectId src, byte[] srcContent) {
        int choice = random.nextInt(100);
        if (cur != null && choice < 10) {
            t.remove(coll, o);
            return null;
        }
        if (cur != null && choice < 20) {
            int size = random.nextInt(cur.length + 1);
            t.truncate(coll, o, size);
            return Arrays.copyOf(cur, size);
        }
        if (cur != null && choice < 30) {
            int off = random.nextInt(cur.length + 1);
            int len = random.nextInt(Math.min(SMALL_WRITE_BYTES_MAX, OBJECT_BYTES_MAX - off) + 1);
            t.zero(coll, o, off, len);
            byte[] out = Arrays.copyOf(cur, Math.max(cur.length, off + len));
            Arrays.fill(out, off, off + len, (byte) 0);
            return out;
        }
        if (srcContent != null && choice < 40) {
            t.clone(coll, src, o);
            return srcContent.clone();
        }
        if (cur != null && choice < 50) {
            t.setAttr(coll, o, "_", ("v" + random.nextInt()).getBytes(StandardCharsets.UTF_8))
                    .omapSetKeys(coll, o, Map.of("k" + random.nextInt(100), new byte[random.nextInt(64)]));
            return cur;
        }
        boolean big = random.nextInt(20) == 0;
        int len = 1 + random.nextInt(big ? OBJECT_BYTES_MAX : SMALL_WRITE_BYTES_MAX);
        byte[] base = cur == null || choice < 60 ? new byte[0] : cur;
        int off = random.nextInt(Math.min(base.length + SMALL_WRITE_BYTES_MAX, OBJECT_BYTES_MAX - len) + 1);
        byte[] data = new byte[len];
        random.nextBytes(data);
        if (cur != null && base.length == 0) {
            t.truncate(coll, o, 0);
        }
        t.write(coll, o, off, data);
        byte[] out = Arrays.copyOf(base, Math.max(base.length, off + len));
        System.arraycopy(data, 0, out, off, len);
        return out;
    }
}
