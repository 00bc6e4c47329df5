package io.cairn.itest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.IoCtx;
import io.cairn.client.ObjectReadOperation;
import io.cairn.client.ObjectWriteOperation;
import io.cairn.client.Rados;
import io.cairn.client.RadosException;
import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.cli.Json;
import io.cairn.common.mon.MonClient;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.proto.v1.AdminReadReply;
import io.cairn.proto.v1.AdminReadRequest;
import io.cairn.proto.v1.CommandReply;
import io.cairn.proto.v1.ObjectLocator;
import io.cairn.proto.v1.OpResult;
import io.cairn.proto.v1.OsdServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Model-based thrashing: three monitors and five OSD processes; a few client threads run random
 * writes, appends, truncates, removes, xattr and omap changes on ~200 objects of a size-3,
 * min_size-2 pool and check every read against an exact in-memory model, while a thrasher kills
 * and restarts OSDs (kill -9), marks OSDs out and in, and restarts monitors — one fault at a
 * time, waiting for every PG to be active+clean in between. At the end every PG must be
 * active+clean within 120 s, every object must read back exactly as the model says, and every
 * member of each object's acting set must hold identical bytes.
 *
 * <p>Each object belongs to exactly one client thread, so the model of acknowledged operations
 * is exact. An operation whose outcome is unknown (timeout, transport error) makes its object
 * "uncertain" — never checked against the model — until the next acknowledged whole-object
 * reset (write_full clearing xattrs and omap) or remove.
 *
 * <p>{@code -Dcairn.test.seed=N} replays the same operation and fault choices (thread timing
 * still varies); {@code -Dcairn.thrash.seconds=S} sets the thrashing time (150 in CI; the
 * {@code thrash} Maven profile runs longer). The run fails if the final check verified fewer than
 * {@code -Dcairn.thrash.minVerified=N} written objects (default half of them).
 */
class OsdThrashIT {
    private static final long SEED = Long.getLong("cairn.test.seed", System.currentTimeMillis());
    private static final int SECONDS = Integer.getInteger("cairn.thrash.seconds", 150);
    private static final int THREADS = Integer.getInteger("cairn.thrash.threads", 4);
    private static final int OBJECTS = Integer.getInteger("cairn.thrash.objects", 200);
    /**
     * A run whose final check reads back few written objects proves little however clean it ends
     * (the workload never got going, or left nearly everything uncertain). A healthy run leaves
     * almost every object written and certain, so half of them is a floor it clears easily.
     */
    private static final int MIN_VERIFIED = Integer.getInteger("cairn.thrash.minVerified", OBJECTS / 2);
    /** Which faults the thrasher injects: any of osd-kill, osd-out, mon-restart (comma-separated). */
    private static final Set<String> FAULT_KINDS = Set.copyOf(Arrays.asList(System.getProperty("cairn.thrash.faults",
            "osd-kill,osd-out,mon-restart").split("\\s*,\\s*")));
    private static final int MONS = 3;
    private static final int OSDS = 5;
    private static final long OSD_BYTES = 512L << 20;
    private static final String POOL = "thrash";
    private static final int MAX_OBJECT = 64 << 10;
    private static final String[] XATTR_NAMES = {"a", "b", "c", "user.d", "e.long.name", "f"};
    private static final int OMAP_KEYS = 24;
    private static final Duration OP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration FINAL_CLEAN_TIMEOUT = Duration.ofSeconds(120);
    private static final int FAULTS_MAX = 10_000;
    private static final int HISTORY_KEPT = 12;
    private static final int VIOLATIONS_PRINTED_MAX = 300;

    private static final String CONF = """

            [global]
            osd_heartbeat_interval = 1
            osd_heartbeat_grace = 4
            mon_tick_interval = 0.5
            osd_mon_report_interval = 1
            osd_mon_contact_grace = 15
            mon_osd_down_out_interval = 600
            rados_osd_op_timeout = 30
            # PGs are scrubbed and deep-scrubbed over and over while they are written and OSDs die:
            # a scrub must never find copies that differ when none was changed behind the cluster
            osd_scrub_min_interval = 5
            osd_scrub_max_interval = 10
            osd_deep_scrub_interval = 20
            osd_scrub_load_threshold = 1000
            """;

    enum Kind { WRITE, WRITE_FULL, APPEND, TRUNCATE, REMOVE, SETXATTR, RMXATTR, OMAP_SET, OMAP_RM, COMPOUND, RESET, READ }

    /** Op kinds with their weights, for certain objects. */
    private static final Kind[] MIX = weighted(Map.ofEntries(Map.entry(Kind.WRITE, 14), Map.entry(Kind.WRITE_FULL, 10),
            Map.entry(Kind.APPEND, 12), Map.entry(Kind.TRUNCATE, 6), Map.entry(Kind.REMOVE, 5), Map.entry(Kind.SETXATTR, 8),
            Map.entry(Kind.RMXATTR, 4), Map.entry(Kind.OMAP_SET, 8), Map.entry(Kind.OMAP_RM, 4), Map.entry(Kind.COMPOUND, 4),
            Map.entry(Kind.READ, 25)));

    private static Kind[] weighted(Map<Kind, Integer> w) {
        List<Kind> out = new ArrayList<>();
        for (Kind k : Kind.values()) {
            for (int i = 0; i < w.getOrDefault(k, 0); i++) {
                out.add(k);
            }
        }
        return out.toArray(new Kind[0]);
    }

    /** One object as every acknowledged operation left it. Touched only by its owning thread (and at the end). */
    static final class Model {
        final String name;
        boolean exists;
        byte[] data = new byte[0];
        final TreeMap<String, byte[]> xattrs = new TreeMap<>();
        final TreeMap<String, byte[]> omap = new TreeMap<>();
        boolean uncertain;
        /** An operation on it was acknowledged: its final check tests what the workload did, not an untouched name. */
        boolean written;
        long lastVersion;
        final ArrayDeque<String> history = new ArrayDeque<>();

        Model(String name) {
            this.name = name;
        }

        void note(String what) {
            if (history.size() >= HISTORY_KEPT) {
                history.removeFirst();
            }
            history.addLast(String.format("%.1fs %s", elapsed(), what));
        }

        void clear() {
            exists = false;
            data = new byte[0];
            xattrs.clear();
            omap.clear();
        }
    }

    private static final long START_NANOS = System.nanoTime();

    private static double elapsed() {
        return (System.nanoTime() - START_NANOS) / 1e9;
    }

    private static void log(String fmt, Object... args) {
        System.out.printf("[%7.1fs] %s%n", elapsed(), String.format(fmt, args));
    }

    private final Map<Kind, LongAdder> done = new EnumMap<>(Kind.class);
    private final Map<Kind, LongAdder> unknown = new EnumMap<>(Kind.class);
    private final LongAdder readsChecked = new LongAdder();
    private final LongAdder readsSkipped = new LongAdder();
    private final Map<String, LongAdder> faults = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
    private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();

    {
        for (Kind k : Kind.values()) {
            done.put(k, new LongAdder());
            unknown.put(k, new LongAdder());
        }
    }

    @Test
    void modelHoldsWhileOsdsAndMonitorsAreThrashed() throws Exception {
        log("OsdThrashIT seed %d (replay with -Dcairn.test.seed=%d), %d s of thrashing, %d threads, %d objects, faults %s",
                SEED, SEED, SECONDS, THREADS, OBJECTS, new java.util.TreeSet<>(FAULT_KINDS));
        for (String f : FAULT_KINDS) {
            if (!Set.of("osd-kill", "osd-out", "mon-restart").contains(f)) {
                throw new IllegalArgumentException("unknown fault kind '" + f + "' in cairn.thrash.faults");
            }
        }
        try (TestCluster cluster = TestCluster.start(MONS, OSDS, OSD_BYTES, CONF)) {
            try (MonClient mon = cluster.client()) {
                TestCluster.ok(mon.command("osd pool create", Map.of("pool", POOL, "pg_num", "32", "size", "3",
                        "min_size", "2")));
            }
            assertTrue(cluster.local.awaitPgsActive(POOL, Duration.ofSeconds(120)), "pool " + POOL + " goes active");
            assertTrue(awaitClean(cluster, Duration.ofSeconds(120)) >= 0, "cluster clean before thrashing");
            try (Rados rados = Rados.builder().conf(cluster.conf()).opTimeout(OP_TIMEOUT).connect()) {
                run(cluster, rados);
            }
        }
    }

    private void run(TestCluster cluster, Rados rados) throws Exception {
        IoCtx io = rados.ioCtx(POOL);
        Model[] models = new Model[OBJECTS];
        for (int i = 0; i < OBJECTS; i++) {
            models[i] = new Model("thrash-" + i);
        }
        long thrashStart = System.nanoTime();
        long thrashStartMs = System.currentTimeMillis();
        long workDeadline = thrashStart + TimeUnit.SECONDS.toNanos(SECONDS);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int me = t;
            List<Model> mine = new ArrayList<>();
            for (int i = me; i < OBJECTS; i += THREADS) {
                mine.add(models[i]);
            }
            Thread w = new Thread(() -> work(io, mine, new SplittableRandom(SEED * 31 + me), workDeadline), "thrash-worker-" + me);
            w.setDaemon(true);
            workers.add(w);
        }
        Thread thrasher = new Thread(() -> thrash(cluster, new SplittableRandom(SEED ^ 0x5DEECE66DL), workDeadline),
                "thrasher");
        thrasher.setDaemon(true);
        workers.forEach(Thread::start);
        thrasher.start();

        // workers stop at the deadline (each op is bounded by the op timeout); the thrasher finishes its fault
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(SECONDS) + OP_TIMEOUT.toMillis() * 4);
            if (w.isAlive()) {
                violations.add(w.getName() + " did not finish within the op timeout after the deadline");
                stop.set(true);
            }
        }
        thrasher.join(TimeUnit.SECONDS.toMillis(SECONDS) + TimeUnit.SECONDS.toMillis(300));
        stop.set(true);
        if (thrasher.isAlive()) {
            violations.add("the thrasher did not finish its last fault in time");
            thrasher.join(TimeUnit.SECONDS.toMillis(60));
        }

        // every daemon running and every OSD in, then the cluster must go clean by itself
        restoreAll(cluster);
        long cleanStart = System.nanoTime();
        double toClean = awaitClean(cluster, FINAL_CLEAN_TIMEOUT);
        if (toClean < 0) {
            violations.add("PGs not active+clean within " + FINAL_CLEAN_TIMEOUT.toSeconds() + " s after thrashing: "
                    + ClusterChecks.pgStatLine(cluster));
        }
        log("after thrashing: %s in %.1f s", toClean < 0 ? "NOT CLEAN" : "active+clean",
                (System.nanoTime() - cleanStart) / 1e9);

        int checkedObjects = 0;
        int verifiedWritten = 0;
        int uncertainObjects = 0;
        if (toClean >= 0) {
            for (Model m : models) {
                if (m.uncertain) {
                    uncertainObjects++;
                } else {
                    checkedObjects++;
                    verifiedWritten += m.written ? 1 : 0;
                    verifyThroughClient(io, m);
                }
            }
            verifyReplicas(cluster, io, models);
            verifyListing(io, models);
            verifyScrubs(cluster, thrashStartMs);
        }
        if (verifiedWritten < MIN_VERIFIED) {
            violations.add("too few objects verified at the end: " + verifiedWritten + " written objects checked against "
                    + "the model, at least " + MIN_VERIFIED + " needed (-Dcairn.thrash.minVerified); " + OBJECTS
                    + " objects, " + uncertainObjects + " uncertain" + (toClean < 0 ? ", no final check (not clean)" : ""));
        }

        printSummary(toClean, checkedObjects, verifiedWritten, uncertainObjects);
        if (!violations.isEmpty()) {
            StringBuilder sb = new StringBuilder(violations.size() + " violation(s), seed " + SEED + " (" + categories()
                    + "); verified " + verifiedWritten + " written objects at the end (at least " + MIN_VERIFIED
                    + " needed); the first ones:\n");
            violations.stream().limit(10).forEach(v -> sb.append("  ").append(v).append('\n'));
            throw new AssertionError(sb.toString());
        }
    }

    // ---------------------------------------------------------------- workload

    private void work(IoCtx io, List<Model> mine, SplittableRandom r, long deadline) {
        int opsMax = 10_000_000;
        for (int n = 0; n < opsMax && System.nanoTime() < deadline && !stop.get(); n++) {
            Model m = mine.get(r.nextInt(mine.size()));
            Kind k;
            if (m.uncertain) {
                // bring it back to a known state: an acknowledged reset or remove
                k = r.nextInt(3) == 0 ? Kind.REMOVE : Kind.RESET;
            } else {
                k = MIX[r.nextInt(MIX.length)];
            }
            try {
                if (k == Kind.READ) {
                    read(io, m);
                } else {
                    mutate(io, m, k, r);
                }
            } catch (RuntimeException e) {
                violations.add("worker crashed on " + k + " " + m.name + ": " + e);
                e.printStackTrace(System.out);
                m.uncertain = true;
            }
        }
    }

    private static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private void mutate(IoCtx io, Model m, Kind k, SplittableRandom r) {
        ObjectWriteOperation op = new ObjectWriteOperation();
        Runnable apply;
        String what;
        int size = m.data.length;
        switch (k) {
            case WRITE -> {
                int off = r.nextInt(Math.min(size + 4096, MAX_OBJECT - 16384) + 1);
                byte[] d = bytes(r, 1 + r.nextInt(16384));
                op.write(d, off);
                what = "write " + d.length + "@" + off;
                apply = () -> {
                    byte[] nd = Arrays.copyOf(m.data, Math.max(m.data.length, off + d.length));
                    System.arraycopy(d, 0, nd, off, d.length);
                    m.data = nd;
                    m.exists = true;
                };
            }
            case WRITE_FULL -> {
                byte[] d = bytes(r, r.nextInt(32768 + 1));
                op.writeFull(d);
                what = "write_full " + d.length;
                apply = () -> {
                    m.data = d;
                    m.exists = true;
                };
            }
            case APPEND -> {
                byte[] d = bytes(r, 1 + r.nextInt(8192));
                if (size + d.length > MAX_OBJECT) {
                    op.writeFull(d);
                    what = "write_full(for append) " + d.length;
                    apply = () -> {
                        m.data = d;
                        m.exists = true;
                    };
                } else {
                    op.append(d);
                    what = "append " + d.length + " (to " + size + ")";
                    apply = () -> {
                        byte[] nd = Arrays.copyOf(m.data, m.data.length + d.length);
                        System.arraycopy(d, 0, nd, m.data.length, d.length);
                        m.data = nd;
                        m.exists = true;
                    };
                }
            }
            case TRUNCATE -> {
                int to = r.nextInt(Math.min(MAX_OBJECT, size + 8192) + 1);
                op.truncate(to);
                what = "truncate " + to + " (from " + size + ")";
                apply = () -> {
                    m.data = Arrays.copyOf(m.data, to);
                    m.exists = true;
                };
            }
            case REMOVE -> {
                op.remove();
                what = "remove";
                apply = m::clear;
            }
            case SETXATTR -> {
                String name = XATTR_NAMES[r.nextInt(XATTR_NAMES.length)];
                byte[] v = bytes(r, r.nextInt(65));
                op.setXattr(name, v);
                what = "setxattr " + name + " (" + v.length + " B)";
                apply = () -> {
                    m.exists = true;
                    m.xattrs.put(name, v);
                };
            }
            case RMXATTR -> {
                String name = !m.xattrs.isEmpty() && r.nextInt(4) != 0
                        ? new ArrayList<>(m.xattrs.keySet()).get(r.nextInt(m.xattrs.size()))
                        : XATTR_NAMES[r.nextInt(XATTR_NAMES.length)];
                op.rmXattr(name);
                what = "rmxattr " + name;
                apply = () -> {
                    if (m.exists) {
                        m.xattrs.remove(name);
                    }
                };
            }
            case OMAP_SET -> {
                SortedMap<String, byte[]> e = new TreeMap<>();
                int n = 1 + r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    e.put(omapKey(r), bytes(r, r.nextInt(101)));
                }
                op.omapSet(e);
                what = "omap_set " + e.keySet();
                apply = () -> {
                    m.exists = true;
                    m.omap.putAll(e);
                };
            }
            case OMAP_RM -> {
                Set<String> keys = new java.util.TreeSet<>();
                int n = 1 + r.nextInt(3);
                List<String> have = new ArrayList<>(m.omap.keySet());
                for (int i = 0; i < n; i++) {
                    keys.add(!have.isEmpty() && r.nextInt(3) != 0 ? have.get(r.nextInt(have.size())) : omapKey(r));
                }
                op.omapRmKeys(keys);
                what = "omap_rm " + keys;
                apply = () -> {
                    if (m.exists) {
                        m.omap.keySet().removeAll(keys);
                    }
                };
            }
            case COMPOUND -> {
                // write_full + setxattr + omap_set + rmxattr in one atomic operation
                byte[] d = bytes(r, r.nextInt(16385));
                String set = XATTR_NAMES[r.nextInt(XATTR_NAMES.length)];
                String rm = XATTR_NAMES[r.nextInt(XATTR_NAMES.length)];
                byte[] v = bytes(r, 1 + r.nextInt(32));
                String key = omapKey(r);
                byte[] ov = bytes(r, r.nextInt(64));
                op.writeFull(d).setXattr(set, v).omapSet(Map.of(key, ov)).rmXattr(rm);
                what = "compound write_full " + d.length + " +setxattr " + set + " +omap_set " + key + " +rmxattr " + rm;
                apply = () -> {
                    m.exists = true;
                    m.data = d;
                    m.xattrs.put(set, v);
                    m.omap.put(key, ov);
                    m.xattrs.remove(rm);
                };
            }
            case RESET -> {
                // a whole-object reset: data, every xattr name this test uses, and the omap
                byte[] d = bytes(r, r.nextInt(32769));
                op.writeFull(d);
                for (String x : XATTR_NAMES) {
                    op.rmXattr(x);
                }
                op.omapClear();
                what = "reset (write_full " + d.length + ", rmxattr *, omap_clear)";
                apply = () -> {
                    m.exists = true;
                    m.data = d;
                    m.xattrs.clear();
                    m.omap.clear();
                };
            }
            default -> throw new IllegalArgumentException(k.toString());
        }
        boolean wasUncertain = m.uncertain;
        try {
            long v = io.operate(m.name, op);
            done.get(k).increment();
            m.lastVersion = v;
            m.written = true;
            if (wasUncertain) {
                if (k == Kind.RESET || k == Kind.REMOVE) {
                    m.clear();
                    apply.run();
                    m.uncertain = false;
                    m.note(what + " -> v" + v + " (certain again)");
                } else {
                    m.note(what + " -> v" + v + " (still uncertain)");
                }
                return;
            }
            if (k == Kind.REMOVE && !m.exists) {
                violations.add(String.format("%.1fs remove of %s acknowledged but the model says it does not exist; history %s",
                        elapsed(), m.name, m.history));
                m.uncertain = true;
                return;
            }
            apply.run();
            m.note(what + " -> v" + v);
        } catch (RadosException.NotFound e) {
            if (k == Kind.REMOVE && !wasUncertain && !m.exists) {
                done.get(k).increment();
                m.note(what + " -> ENOENT (expected)");
                return;
            }
            if (wasUncertain) {
                unknown.get(k).increment();
                m.note(what + " -> ENOENT (uncertain object)");
                return;
            }
            violations.add(String.format("%.1fs %s on %s returned ENOENT but the model says it exists (%d B); history %s",
                    elapsed(), what, m.name, m.data.length, m.history));
            m.note(what + " -> ENOENT (VIOLATION)");
            m.uncertain = true;
        } catch (CairnException e) {
            // timeout, transport error, EIO...: the op may or may not have been applied
            unknown.get(k).increment();
            errorKinds.computeIfAbsent(k + " " + e.code(), x -> new LongAdder()).increment();
            m.uncertain = true;
            m.note(what + " -> " + e.code() + " (" + e.getMessage() + "): uncertain");
            if (e.code() != ErrorCode.ETIMEDOUT && e.code() != ErrorCode.EIO && e.code() != ErrorCode.EAGAIN) {
                warnings.add(String.format("%.1fs %s on %s failed with %s: %s", elapsed(), what, m.name, e.code(),
                        e.getMessage()));
            }
        }
    }

    private static String omapKey(SplittableRandom r) {
        return String.format("k%02d", r.nextInt(OMAP_KEYS));
    }

    private void read(IoCtx io, Model m) {
        IoCtx.ReadResult rr;
        try {
            rr = io.operate(m.name, new ObjectReadOperation().read(0, 0).getXattrs().omapGetVals("", "", 1000));
        } catch (RadosException.NotFound e) {
            done.get(Kind.READ).increment();
            if (m.uncertain) {
                readsSkipped.increment();
            } else {
                readsChecked.increment();
                if (m.exists) {
                    violations.add(String.format("%.1fs read of %s: ENOENT but the model says it exists (%d B); history %s",
                            elapsed(), m.name, m.data.length, m.history));
                    m.uncertain = true;
                }
            }
            return;
        } catch (CairnException e) {
            unknown.get(Kind.READ).increment();
            errorKinds.computeIfAbsent("READ " + e.code(), x -> new LongAdder()).increment();
            return;
        }
        done.get(Kind.READ).increment();
        if (m.uncertain) {
            readsSkipped.increment();
            return;
        }
        readsChecked.increment();
        String diff = m.exists ? compare(m, rr.results().get(0).getData().toByteArray(), xattrs(rr.results().get(1)),
                vals(rr.results().get(2))) : "the model says it does not exist, yet it reads back (v" + rr.version() + ")";
        if (diff != null) {
            violations.add(String.format("%.1fs read of %s (v%d): %s; history %s", elapsed(), m.name, rr.version(), diff,
                    m.history));
            m.uncertain = true;
        }
    }

    private static SortedMap<String, byte[]> xattrs(OpResult r) {
        SortedMap<String, byte[]> out = new TreeMap<>();
        r.getXattrsMap().forEach((k, v) -> out.put(k, v.toByteArray()));
        return out;
    }

    private static SortedMap<String, byte[]> vals(OpResult r) {
        SortedMap<String, byte[]> out = new TreeMap<>();
        r.getValsMap().forEach((k, v) -> out.put(k, v.toByteArray()));
        return out;
    }

    /** What differs between the model and what was read, or null. */
    private static String compare(Model m, byte[] data, SortedMap<String, byte[]> xattrs, SortedMap<String, byte[]> omap) {
        if (!Arrays.equals(m.data, data)) {
            int at = Arrays.mismatch(m.data, data);
            return "data differs: model " + m.data.length + " B, read " + data.length + " B, first difference at " + at;
        }
        String x = compareMaps("xattrs", m.xattrs, xattrs);
        return x != null ? x : compareMaps("omap", m.omap, omap);
    }

    private static String compareMaps(String what, SortedMap<String, byte[]> want, SortedMap<String, byte[]> got) {
        if (!want.keySet().equals(got.keySet())) {
            return what + " keys differ: model " + want.keySet() + ", read " + got.keySet();
        }
        for (Map.Entry<String, byte[]> e : want.entrySet()) {
            if (!Arrays.equals(e.getValue(), got.get(e.getKey()))) {
                return what + " value of '" + e.getKey() + "' differs: model " + e.getValue().length + " B, read "
                        + got.get(e.getKey()).length + " B";
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- thrasher

    private void fault(String kind) {
        faults.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    private void thrash(TestCluster cluster, SplittableRandom r, long deadline) {
        // give the workload a head start with a healthy cluster
        ClusterChecks.sleepMs(3000 + r.nextInt(3000));
        for (int n = 0; n < FAULTS_MAX && !stop.get(); n++) {
            // leave time for a fault to run its course before the workload stops
            if (System.nanoTime() > deadline - TimeUnit.SECONDS.toNanos(15)) {
                break;
            }
            int pick = r.nextInt(100);
            String kind = pick < 45 ? "osd-kill" : pick < 80 ? "osd-out" : "mon-restart";
            if (!FAULT_KINDS.contains(kind)) {
                // keep the random stream the same whatever is enabled; just wait a little instead
                ClusterChecks.sleepMs(500);
                continue;
            }
            try {
                switch (kind) {
                    case "osd-kill" -> killAndRestartOsd(cluster, r);
                    case "osd-out" -> outAndIn(cluster, r);
                    default -> restartMon(cluster, r);
                }
            } catch (Exception e) {
                violations.add(String.format("%.1fs thrasher failed: %s", elapsed(), e));
                e.printStackTrace(System.out);
                return;
            }
            long t0 = System.nanoTime();
            double s = awaitClean(cluster, SETTLE_TIMEOUT);
            if (s < 0) {
                String msg = String.format("%.1fs cluster did not settle within %d s after fault %d: %s", elapsed(),
                        SETTLE_TIMEOUT.toSeconds(), n + 1, ClusterChecks.pgStatLine(cluster));
                warnings.add(msg);
                log("thrash: %s; no more faults", msg);
                return;
            }
            log("thrash: settled (active+clean) %.1f s after the fault was undone", (System.nanoTime() - t0) / 1e9);
            ClusterChecks.sleepMs(1000 + r.nextInt(4000));
        }
    }

    private void killAndRestartOsd(TestCluster cluster, SplittableRandom r) throws Exception {
        int osd = r.nextInt(OSDS);
        long downMs = 1000 + r.nextInt(11000);
        // now and then recovery is paused while the OSD returns: the workload's ops on objects it
        // lacks must each be copied first, while everything else is served
        boolean paused = r.nextInt(3) == 0;
        log("thrash: kill -9 osd.%d, restart in %.1f s%s", osd, downMs / 1e3,
                paused ? " with norecover and nobackfill set" : "");
        cluster.local.stop("osd." + osd, true);
        fault("kill -9 osd");
        ClusterChecks.sleepMs(downMs);
        if (paused) {
            setRecoveryFlags(cluster, true);
            fault("norecover/nobackfill");
        }
        cluster.local.start("osd." + osd);
        ClusterChecks.awaitMap(cluster, m -> m.isUp(osd), Duration.ofSeconds(60), "osd." + osd + " up again after restart");
        log("thrash: osd.%d is up again", osd);
        if (paused) {
            ClusterChecks.sleepMs(3000 + r.nextInt(5000));
            setRecoveryFlags(cluster, false);
            log("thrash: norecover and nobackfill unset");
        }
    }

    private static void setRecoveryFlags(TestCluster cluster, boolean set) {
        try (MonClient mon = cluster.client()) {
            for (String flag : List.of("norecover", "nobackfill")) {
                TestCluster.ok(mon.command(set ? "osd set" : "osd unset", Map.of("key", flag)));
            }
        }
    }

    private void outAndIn(TestCluster cluster, SplittableRandom r) throws Exception {
        int osd = r.nextInt(OSDS);
        boolean settleWhileOut = r.nextBoolean();
        long outMs = 2000 + r.nextInt(10000);
        log("thrash: osd out %d (%s)", osd, settleWhileOut ? "until clean" : String.format("for %.1f s", outMs / 1e3));
        try (MonClient mon = cluster.client()) {
            TestCluster.ok(mon.command("osd out", Map.of("ids", Integer.toString(osd))));
        }
        fault("osd out/in");
        if (settleWhileOut) {
            long t0 = System.nanoTime();
            double s = ClusterChecks.awaitClean(cluster, OSDS, SETTLE_TIMEOUT, osd);
            log("thrash: with osd.%d out: %s after %.1f s", osd, s < 0 ? "NOT clean" : "clean", (System.nanoTime() - t0) / 1e9);
            if (s < 0) {
                warnings.add(String.format("%.1fs with osd.%d out the cluster did not go clean within %d s: %s", elapsed(),
                        osd, SETTLE_TIMEOUT.toSeconds(), ClusterChecks.pgStatLine(cluster)));
            }
        } else {
            ClusterChecks.sleepMs(outMs);
        }
        try (MonClient mon = cluster.client()) {
            TestCluster.ok(mon.command("osd in", Map.of("ids", Integer.toString(osd))));
        }
        log("thrash: osd in %d", osd);
    }

    private void restartMon(TestCluster cluster, SplittableRandom r) throws Exception {
        int rank = r.nextInt(MONS);
        String name = "mon." + (char) ('a' + rank);
        boolean kill = r.nextBoolean();
        long downMs = 1000 + r.nextInt(7000);
        log("thrash: %s %s, restart in %.1f s", kill ? "kill -9" : "stop", name, downMs / 1e3);
        cluster.local.stop(name, kill);
        fault(kill ? "kill -9 mon" : "stop mon");
        ClusterChecks.sleepMs(downMs);
        cluster.local.start(name);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = "";
        try (MonClient one = cluster.clientOf(rank)) {
            while (System.nanoTime() < deadline) {
                try {
                    CommandReply rep = one.command("status", Map.of());
                    if (rep.getCode() == 0) {
                        log("thrash: %s answers again", name);
                        return;
                    }
                    last = rep.getMessage();
                } catch (RuntimeException e) {
                    last = e.toString();
                }
                ClusterChecks.sleepMs(500);
            }
        }
        warnings.add(String.format("%.1fs %s did not answer within 90 s of its restart: %s", elapsed(), name, last));
    }

    /** Starts whatever is not running and marks every OSD in (the thrasher may have stopped mid-fault). */
    private void restoreAll(TestCluster cluster) throws Exception {
        for (String d : cluster.local.daemons()) {
            if (cluster.local.running(d).isEmpty()) {
                log("restoring %s", d);
                cluster.local.start(d);
            }
        }
        cluster.local.awaitQuorum(Duration.ofSeconds(90));
        try (MonClient mon = cluster.client()) {
            OsdMap m = mon.getMap(0);
            for (int osd = 0; osd < OSDS; osd++) {
                if (!m.isIn(osd)) {
                    log("restoring: osd in %d", osd);
                    TestCluster.ok(mon.command("osd in", Map.of("ids", Integer.toString(osd))));
                }
            }
            if (m.hasFlag(io.cairn.common.osdmap.ClusterFlag.NORECOVER) || m.hasFlag(io.cairn.common.osdmap.ClusterFlag.NOBACKFILL)) {
                log("restoring: norecover and nobackfill unset");
                setRecoveryFlags(cluster, false);
            }
        }
    }

    // ---------------------------------------------------------------- cluster state

    private double awaitClean(TestCluster cluster, Duration timeout) {
        return ClusterChecks.awaitClean(cluster, OSDS, timeout, -1);
    }

    /**
     * Scrubs ran during the thrashing (logged), and none found an inconsistent PG: the copies of a
     * PG agree after every fault, and scrubbing while writes go on compares settled copies only.
     */
    @SuppressWarnings("unchecked")
    private void verifyScrubs(TestCluster cluster, long sinceMs) {
        try (MonClient mon = cluster.client()) {
            CommandReply r = mon.command("pg ls-by-pool", Map.of("pool", POOL));
            if (r.getCode() != 0) {
                violations.add("pg ls-by-pool failed: " + r.getMessage());
                return;
            }
            int deep = 0;
            int shallow = 0;
            List<Map<String, Object>> pgs = (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(
                    r.getOutputJson())).get("pg_stats");
            for (Map<String, Object> pg : pgs) {
                deep += scrubbedSince(pg.get("last_deep_scrub_stamp"), sinceMs) ? 1 : 0;
                shallow += scrubbedSince(pg.get("last_scrub_stamp"), sinceMs) ? 1 : 0;
                if (String.valueOf(pg.get("state")).contains("inconsistent")) {
                    violations.add("pg " + pg.get("pgid") + " is " + pg.get("state") + " after thrashing");
                }
            }
            log("scrubs: %d of %d PGs scrubbed and %d deep-scrubbed during the run; none inconsistent: %s", shallow,
                    pgs.size(), deep, pgs.stream().noneMatch(pg -> String.valueOf(pg.get("state")).contains("inconsistent")));
            String log = mon.command("log last", Map.of("num", "10000")).getOutputPlain();
            for (String line : log.split("\n")) {
                if (line.contains("scrub") && line.contains(" errors")) {
                    violations.add("cluster log: " + line);
                }
            }
        }
    }

    private static boolean scrubbedSince(Object stamp, long sinceMs) {
        try {
            return stamp != null && java.time.Instant.parse(stamp.toString()).toEpochMilli() >= sinceMs - 1000;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- final checks

    private void verifyThroughClient(IoCtx io, Model m) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                IoCtx.ReadResult rr = io.operate(m.name, new ObjectReadOperation().read(0, 0).getXattrs()
                        .omapGetVals("", "", 1000));
                String diff = m.exists ? compare(m, rr.results().get(0).getData().toByteArray(), xattrs(rr.results().get(1)),
                        vals(rr.results().get(2))) : "the model says it does not exist, yet it reads back (v" + rr.version() + ")";
                if (diff != null) {
                    violations.add("final read of " + m.name + " (v" + rr.version() + "): " + diff + "; history " + m.history);
                }
                return;
            } catch (RadosException.NotFound e) {
                if (m.exists) {
                    violations.add("final read of " + m.name + ": ENOENT but the model says it exists (" + m.data.length
                            + " B); history " + m.history);
                }
                return;
            } catch (RadosException.Timeout e) {
                log("final read of %s timed out; retrying", m.name);
            }
        }
        violations.add("final read of " + m.name + " timed out three times on a clean cluster");
    }

    private void verifyReplicas(TestCluster cluster, IoCtx io, Model[] models) {
        OsdMap map;
        try (MonClient mon = cluster.client()) {
            map = mon.getMap(0);
        }
        int compared = 0;
        Map<Integer, ManagedChannel> channels = new TreeMap<>();
        try {
            for (Model m : models) {
                PgMapping pm = map.mapObject(io.poolId(), m.name, "");
                List<String> copies = new ArrayList<>();
                Set<String> distinct = new HashSet<>();
                for (int osd : pm.acting()) {
                    String addr = map.osd(osd).address();
                    ManagedChannel ch = channels.computeIfAbsent(osd, x -> {
                        int colon = addr.lastIndexOf(':');
                        return NettyChannelBuilder.forAddress(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)))
                                .usePlaintext().maxInboundMessageSize(64 << 20).build();
                    });
                    AdminReadReply a = OsdServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS).adminRead(
                            AdminReadRequest.newBuilder().setOloc(ObjectLocator.newBuilder().setPool(io.poolId())
                                    .setName(m.name)).build());
                    String desc;
                    if (a.getCode() == ErrorCode.ENOENT.code()) {
                        desc = "absent";
                    } else if (a.getCode() != 0) {
                        desc = "error " + a.getCode();
                    } else {
                        byte[] d = a.getData().toByteArray();
                        desc = "v" + a.getVersion() + " " + d.length + " B crc " + Long.toHexString(crc(d));
                        if (!m.uncertain && m.exists && !Arrays.equals(m.data, d)) {
                            violations.add("osd." + osd + "'s copy of " + m.name + " (pg " + pm.pg() + ") differs from the model: "
                                    + d.length + " B vs " + m.data.length + " B, first difference at "
                                    + Arrays.mismatch(m.data, d));
                        }
                    }
                    if (!m.uncertain && !m.exists && !desc.equals("absent")) {
                        violations.add("osd." + osd + " holds " + m.name + " (" + desc + ") but the model says it was removed");
                    }
                    if (!m.uncertain && m.exists && desc.equals("absent")) {
                        violations.add("osd." + osd + " (acting " + pm.acting() + ") lacks " + m.name);
                    }
                    copies.add("osd." + osd + ": " + desc);
                    distinct.add(desc);
                }
                compared++;
                if (distinct.size() > 1) {
                    violations.add("replicas of " + m.name + " (pg " + pm.pg() + ", " + (m.uncertain ? "uncertain" : "certain")
                            + ") differ: " + copies);
                }
            }
        } finally {
            channels.values().forEach(ManagedChannel::shutdownNow);
        }
        log("replica check: %d objects compared on every member of their acting sets (epoch %d)", compared, map.epoch());
    }

    private static long crc(byte[] d) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(d);
        return c.getValue();
    }

    private void verifyListing(IoCtx io, Model[] models) {
        Set<String> listed = new HashSet<>();
        Iterator<IoCtx.ListedObject> it = io.listObjects(false);
        int guard = 0;
        while (it.hasNext() && guard++ < OBJECTS * 4) {
            listed.add(it.next().name());
        }
        for (Model m : models) {
            if (!m.uncertain && m.exists != listed.contains(m.name)) {
                violations.add("listing " + (m.exists ? "misses " : "still shows removed ") + m.name);
            }
        }
        log("listing: %d objects listed", listed.size());
    }

    /** Violations counted by what went wrong. */
    private String categories() {
        Map<String, Integer> c = new TreeMap<>();
        synchronized (violations) {
            for (String v : violations) {
                String k = v.startsWith("too few objects verified") ? "too few objects verified"
                        : v.contains("replicas of") ? "replicas differ"
                        : v.contains("final read") ? "final read differs from model"
                        : v.contains("differs from the model") || v.contains("lacks") || v.contains("holds ") ? "replica vs model"
                        : v.contains("listing") ? "listing"
                        : v.contains("read of") && v.contains("ENOENT") ? "read: ENOENT for existing object"
                        : v.contains("read of") && v.contains("does not exist") ? "read: removed object reads back"
                        : v.contains("read of") ? "read differs from model"
                        : v.contains("returned ENOENT") ? "write: unexpected ENOENT"
                        : v.contains("acknowledged but") ? "remove acknowledged on absent object"
                        : "other";
                c.merge(k, 1, Integer::sum);
            }
        }
        return c.toString();
    }

    private void printSummary(double toClean, int checked, int verifiedWritten, int uncertain) {
        StringBuilder sb = new StringBuilder();
        sb.append("==== OsdThrashIT summary ====\n");
        sb.append(String.format("seed %d, %d s of thrashing, %d client threads, %d objects%n", SEED, SECONDS, THREADS, OBJECTS));
        long total = 0;
        sb.append("ops acknowledged (unknown outcome):");
        for (Kind k : Kind.values()) {
            long d = done.get(k).sum();
            long u = unknown.get(k).sum();
            total += d;
            if (d + u > 0) {
                sb.append(' ').append(k.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(d);
                if (u > 0) {
                    sb.append(" (").append(u).append(')');
                }
            }
        }
        sb.append(String.format("%ntotal acknowledged %d; reads checked against the model %d, skipped (uncertain) %d%n", total,
                readsChecked.sum(), readsSkipped.sum()));
        sb.append("errors: ").append(new TreeMap<>(errorKinds)).append('\n');
        sb.append("faults injected: ").append(new TreeMap<>(faults)).append('\n');
        sb.append(toClean < 0 ? "NOT active+clean within " + FINAL_CLEAN_TIMEOUT.toSeconds() + " s"
                : String.format("active+clean %.1f s after thrashing", toClean)).append('\n');
        sb.append(String.format("final check: %d objects against the model (%d of them written; at least %d needed), "
                + "%d uncertain (replicas compared only)%n", checked, verifiedWritten, MIN_VERIFIED, uncertain));
        synchronized (warnings) {
            warnings.forEach(w -> sb.append("warning: ").append(w).append('\n'));
        }
        sb.append(violations.isEmpty() ? "no violations\n" : violations.size() + " VIOLATIONS: " + categories() + "\n");
        synchronized (violations) {
            violations.stream().limit(VIOLATIONS_PRINTED_MAX).forEach(v -> sb.append("  ").append(v).append('\n'));
        }
        System.out.print(sb);
    }
}
