package io.cairn.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.IoCtx;
import io.cairn.client.Rados;
import io.cairn.client.RadosException;
import io.cairn.common.ErrorCode;
import io.cairn.common.cli.Json;
import io.cairn.common.mon.MonClient;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.Pool;
import io.cairn.proto.v1.CommandReply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Self-managed snapshots on five OSD processes. A model-based workload (writes, appends, full
 * writes, removes, rollbacks, snap creates and removes, reads at random live snaps; the model
 * keeps one layer per live snap) runs while OSDs are killed and restarted and marked out and in;
 * every read at every snap must match the model, during the run and at the end (recovery copies
 * objects in 16 KiB pieces here, so a head and its clones travel one by one). Then every snap of
 * a pool whose 2,000 objects all have clones is removed: the trimmer must bring {@code df} and
 * every OSD's used space back to the head-only figure, the PGs to active+clean, and a deep scrub
 * of every PG must find nothing.
 *
 * <p>{@code -Dcairn.test.seed=N} replays the choices; {@code -Dcairn.thrash.seconds=S} sets the
 * workload's time (30 s in CI; {@code -Pthrash} runs it with the other thrash tests for longer).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnapshotIT {
    private static final long SEED = Long.getLong("cairn.test.seed", System.currentTimeMillis());
    private static final int SECONDS = Integer.getInteger("cairn.thrash.seconds", 30);
    private static final int OSDS = 5;
    private static final int OBJECTS = 40;
    private static final int TRIM_OBJECTS = 2000;
    private static final int MAX_OBJECT = 48 << 10;
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final String CONF = TestCluster.FAST_FAILURE_CONF + """
            mon_osd_down_out_interval = 600
            # objects up to 48 KiB with clones: recovery moves most of them piece by piece, clones first
            osd_recovery_max_chunk = 16K
            """;

    private TestCluster cluster;
    private Rados rados;

    private static final long START_NANOS = System.nanoTime();

    private static void log(String fmt, Object... args) {
        System.out.printf("[%7.1fs] SnapshotIT %s%n", (System.nanoTime() - START_NANOS) / 1e9, String.format(fmt, args));
    }

    @BeforeAll
    void up() throws Exception {
        cluster = TestCluster.start(3, OSDS, 768L << 20, CONF);
        rados = Rados.builder().conf(cluster.conf()).connect();
        log("seed %d (replay with -Dcairn.test.seed=%d), %d s of workload", SEED, SEED, SECONDS);
    }

    @AfterAll
    void down() throws Exception {
        TestCluster.closeAll(rados, cluster);
    }

    /** The objects as the acknowledged operations left them: the head, and one layer per live snap. */
    private static final class Model {
        final Map<String, byte[]> head = new HashMap<>();
        final TreeMap<Long, Map<String, byte[]>> snaps = new TreeMap<>();
        /** Objects whose head an unacknowledged write may have changed (and the layers taken of them since). */
        final Set<String> uncertainHead = new HashSet<>();
        final Map<Long, Set<String>> uncertainAt = new HashMap<>();
        /** The newest snap id made: the write context's seq (it never goes back, removals or not). */
        long seq;

        List<Long> liveNewestFirst() {
            return new ArrayList<>(snaps.descendingKeySet());
        }
    }

    @Test
    @Order(1)
    void everyReadAtEverySnapMatchesTheModelWhileOsdsAreThrashed() throws Exception {
        rados.poolCreate("snapthrash", 16);
        assertTrue(cluster.local.awaitPgsActive("snapthrash", Duration.ofSeconds(120)));
        SplittableRandom r = new SplittableRandom(SEED);
        Model model = new Model();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> faults = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        SplittableRandom faultRandom = r.split();
        Thread thrasher = new Thread(() -> thrash(faultRandom, deadline, stop, faults), "snap-thrasher");
        int checked = 0;
        try (IoCtx io = rados.ioCtx("snapthrash"); IoCtx reader = rados.ioCtx("snapthrash")) {
            thrasher.start();
            long ops = 0;
            while (System.nanoTime() < deadline) {
                checked += step(io, reader, model, r);
                ops++;
            }
            stop.set(true);
            thrasher.join(TimeUnit.SECONDS.toMillis(SETTLE.toSeconds() + 60));
            log("%d ops, %d reads checked, %d live snaps, faults: %s", ops, checked, model.snaps.size(), faults);
            restoreOsds();
            assertTrue(ClusterChecks.awaitClean(cluster, OSDS, SETTLE, -1) >= 0,
                    "clean after thrashing: " + ClusterChecks.pgStatLine(cluster));
            int finalChecks = checkEverything(reader, model);
            log("final check: %d reads at the head and every live snap match the model", finalChecks);
            assertTrue(checked + finalChecks > OBJECTS, "the workload checked reads");

            // every snap removed: the trimmer frees every clone, the heads stay as they are
            for (long s : List.copyOf(model.snaps.keySet())) {
                io.selfManagedSnapRemove(s);
            }
            awaitPurged("snapthrash", Duration.ofSeconds(120));
            for (var e : model.head.entrySet()) {
                if (!model.uncertainHead.contains(e.getKey())) {
                    assertHead(reader, e.getKey(), e.getValue());
                }
            }
        } finally {
            stop.set(true);
            thrasher.join(TimeUnit.SECONDS.toMillis(SETTLE.toSeconds() + 60));
        }
    }

    /** One random operation of the workload; returns how many reads it checked. */
    private int step(IoCtx io, IoCtx reader, Model m, SplittableRandom r) {
        String oid = "obj-" + r.nextInt(OBJECTS);
        int pick = r.nextInt(100);
        try {
            if (pick < 4) {
                long id = io.selfManagedSnapCreate();
                m.seq = id;
                Map<String, byte[]> layer = new HashMap<>();
                m.head.forEach((k, v) -> layer.put(k, v.clone()));
                m.snaps.put(id, layer);
                m.uncertainAt.put(id, new HashSet<>(m.uncertainHead));
                setWriteContext(io, m);
                return 0;
            }
            if (pick < 8 && !m.snaps.isEmpty()) {
                long id = pickSnap(m, r);
                io.selfManagedSnapRemove(id);
                m.snaps.remove(id);
                m.uncertainAt.remove(id);
                setWriteContext(io, m);
                return 0;
            }
            if (pick < 35) {
                return checkRead(reader, m, oid, m.snaps.isEmpty() || r.nextBoolean() ? 0 : pickSnap(m, r));
            }
            mutate(io, m, oid, pick, r);
        } catch (RadosException.NotFound e) {
            if (!m.uncertainHead.remove(oid)) {
                throw new AssertionError(oid + ": " + e.getMessage(), e);
            }
            // an unacknowledged remove had gone through after all
            m.head.remove(oid);
        } catch (RadosException e) {
            if (e instanceof RadosException.Timeout || e instanceof RadosException.IoError) {
                m.uncertainHead.add(oid);
                return 0;
            }
            throw e;
        }
        return 0;
    }

    private static long pickSnap(Model m, SplittableRandom r) {
        List<Long> live = List.copyOf(m.snaps.keySet());
        return live.get(r.nextInt(live.size()));
    }

    private static void setWriteContext(IoCtx io, Model m) {
        io.setSelfManagedSnapWrite(m.seq, m.liveNewestFirst());
    }

    private void mutate(IoCtx io, Model m, String oid, int pick, SplittableRandom r) {
        byte[] now = m.head.get(oid);
        if (pick < 50) {
            byte[] data = bytes(r, 1 + r.nextInt(MAX_OBJECT / 2));
            long off = now == null ? 0 : r.nextInt(now.length + 1);
            io.write(oid, data, off);
            byte[] next = Arrays.copyOf(now == null ? new byte[0] : now, (int) Math.max(off + data.length,
                    now == null ? 0 : now.length));
            System.arraycopy(data, 0, next, (int) off, data.length);
            m.head.put(oid, next);
        } else if (pick < 62) {
            byte[] data = bytes(r, r.nextInt(MAX_OBJECT));
            io.writeFull(oid, data);
            m.head.put(oid, data);
            m.uncertainHead.remove(oid);
        } else if (pick < 72) {
            byte[] data = bytes(r, 1 + r.nextInt(4096));
            io.append(oid, data);
            byte[] next = Arrays.copyOf(now == null ? new byte[0] : now, (now == null ? 0 : now.length) + data.length);
            System.arraycopy(data, 0, next, next.length - data.length, data.length);
            m.head.put(oid, next);
        } else if (pick < 82) {
            if (now == null) {
                return;
            }
            io.remove(oid);
            m.head.remove(oid);
            m.uncertainHead.remove(oid);
        } else if (!m.snaps.isEmpty()) {
            long to = pickSnap(m, r);
            if (m.uncertainAt.get(to).contains(oid)) {
                return;
            }
            io.selfManagedSnapRollback(oid, to);
            byte[] then = m.snaps.get(to).get(oid);
            if (then == null) {
                m.head.remove(oid);
            } else {
                m.head.put(oid, then.clone());
            }
            m.uncertainHead.remove(oid);
        }
    }

    /** Reads one object at {@code snap} (0 = head) and compares it with the model; 1 if it was checked. */
    private static int checkRead(IoCtx reader, Model m, String oid, long snap) {
        boolean uncertain = snap == 0 ? m.uncertainHead.contains(oid) : m.uncertainAt.get(snap).contains(oid);
        if (uncertain) {
            return 0;
        }
        byte[] want = snap == 0 ? m.head.get(oid) : m.snaps.get(snap).get(oid);
        reader.setSnapRead(snap == 0 ? IoCtx.SNAP_HEAD : snap);
        try {
            byte[] got = reader.read(oid, 0, 0);
            if (want == null) {
                throw new AssertionError(oid + " at " + (snap == 0 ? "head" : "snap " + snap) + ": read "
                        + got.length + " bytes of an object the model says did not exist");
            }
            assertArrayEquals(want, got, oid + " at " + (snap == 0 ? "head" : "snap " + snap));
        } catch (RadosException.NotFound e) {
            if (want != null) {
                throw new AssertionError(oid + " at " + (snap == 0 ? "head" : "snap " + snap) + ": ENOENT, the model has "
                        + want.length + " bytes", e);
            }
        } finally {
            reader.setSnapRead(IoCtx.SNAP_HEAD);
        }
        return 1;
    }

    private static void assertHead(IoCtx reader, String oid, byte[] want) {
        assertArrayEquals(want, reader.read(oid, 0, 0), oid + " after trimming");
    }

    private static int checkEverything(IoCtx reader, Model m) {
        int n = 0;
        for (int i = 0; i < OBJECTS; i++) {
            String oid = "obj-" + i;
            n += checkRead(reader, m, oid, 0);
            for (long s : m.snaps.keySet()) {
                n += checkRead(reader, m, oid, s);
            }
        }
        return n;
    }

    private static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    // ---------------------------------------------------------------- faults

    private void thrash(SplittableRandom r, long deadline, AtomicBoolean stop, List<String> faults) {
        ClusterChecks.sleepMs(2000 + r.nextInt(2000));
        while (!stop.get() && System.nanoTime() < deadline - TimeUnit.SECONDS.toNanos(10)) {
            int osd = r.nextInt(OSDS);
            try {
                if (r.nextBoolean()) {
                    long downMs = 1000 + r.nextInt(6000);
                    log("kill -9 osd.%d, restart in %.1f s", osd, downMs / 1e3);
                    cluster.local.stop("osd." + osd, true);
                    ClusterChecks.sleepMs(downMs);
                    cluster.local.start("osd." + osd);
                    ClusterChecks.awaitMap(cluster, m -> m.isUp(osd), Duration.ofSeconds(60), "osd." + osd + " up");
                    faults.add("kill osd." + osd);
                } else {
                    long outMs = 2000 + r.nextInt(6000);
                    log("osd out %d for %.1f s", osd, outMs / 1e3);
                    mon("osd out", Map.of("ids", Integer.toString(osd)));
                    ClusterChecks.sleepMs(outMs);
                    mon("osd in", Map.of("ids", Integer.toString(osd)));
                    faults.add("out/in osd." + osd);
                }
            } catch (Exception e) {
                log("thrasher stopped: %s", e);
                return;
            }
            double s = ClusterChecks.awaitClean(cluster, OSDS, SETTLE, -1);
            if (s < 0) {
                // the final check fails on it: no more faults on top
                log("NOT settled within %d s: %s; no more faults", SETTLE.toSeconds(), ClusterChecks.pgStatLine(cluster));
                return;
            }
            log("settled in %.1f s", s);
            ClusterChecks.sleepMs(1000 + r.nextInt(3000));
        }
    }

    private void restoreOsds() throws Exception {
        for (String d : cluster.local.daemons()) {
            if (cluster.local.running(d).isEmpty()) {
                cluster.local.start(d);
            }
        }
        OsdMap m = rados.map();
        for (int osd = 0; osd < OSDS; osd++) {
            if (!m.isIn(osd)) {
                mon("osd in", Map.of("ids", Integer.toString(osd)));
            }
        }
    }

    private void mon(String prefix, Map<String, String> args) {
        try (MonClient mon = cluster.client()) {
            TestCluster.ok(mon.command(prefix, args));
        }
    }

    // ---------------------------------------------------------------- trimming

    /**
     * 2,000 objects, a snap, every object overwritten (so each has a clone holding its old data),
     * then the snap removed: the trimmer frees every clone.
     */
    @Test
    @Order(2)
    void trimmingEveryCloneBringsTheSpaceBackAndDeepScrubFindsNothing() throws Exception {
        rados.poolCreate("trimmed", 32);
        assertTrue(cluster.local.awaitPgsActive("trimmed", Duration.ofSeconds(120)));
        byte[] first = new byte[16 << 10];
        byte[] second = new byte[16 << 10];
        new SplittableRandom(SEED).nextBytes(first);
        new SplittableRandom(SEED + 1).nextBytes(second);
        try (IoCtx io = rados.ioCtx("trimmed")) {
            writeAll(io, first);
            awaitPoolStats("trimmed", TRIM_OBJECTS, (long) TRIM_OBJECTS * first.length);
            long[] headOnly = osdUsedKb();
            long snap = io.selfManagedSnapCreate();
            io.setSelfManagedSnapWrite(snap, List.of(snap));
            writeAll(io, second);
            awaitPoolStats("trimmed", 2L * TRIM_OBJECTS, 2L * TRIM_OBJECTS * first.length);
            long[] withClones = osdUsedKb();
            log("used per OSD: head only %s KiB, with clones %s KiB", Arrays.toString(headOnly),
                    Arrays.toString(withClones));
            io.setSnapRead(snap);
            assertArrayEquals(first, io.read("t-17", 0, 0), "the snap holds the first data");
            io.setSnapRead(IoCtx.SNAP_HEAD);

            long t0 = System.nanoTime();
            io.selfManagedSnapRemove(snap);
            awaitPurged("trimmed", Duration.ofSeconds(300));
            log("%d clones trimmed in %.1f s", TRIM_OBJECTS, (System.nanoTime() - t0) / 1e9);
            awaitPoolStats("trimmed", TRIM_OBJECTS, (long) TRIM_OBJECTS * first.length);
            long[] after = awaitUsedKb(headOnly);
            for (int osd = 0; osd < OSDS; osd++) {
                assertTrue(Math.abs(after[osd] - headOnly[osd]) <= Math.max(headOnly[osd] / 100, 64),
                        "osd." + osd + " used " + after[osd] + " KiB, head only " + headOnly[osd] + " KiB");
            }
            assertArrayEquals(second, io.read("t-17", 0, 0));
            assertEquals(ErrorCode.ENOENT, readAtCode(io, snap, "t-17"), "the removed snap reads nothing");
        }
        deepScrubAll("trimmed");
    }

    /**
     * Last: 300 objects of the trimmed pool given clones again (100 of them two), then every OSD,
     * stopped, passes the offline check of its store and its snapshots ({@code cairn osd fsck}):
     * each clone has its head, each SnapSet names exactly the clones stored, the snap index agrees.
     */
    @Test
    @Order(3)
    void everyStoppedOsdPassesTheOfflineSnapshotCheck() throws Exception {
        byte[] data = new byte[4096];
        try (IoCtx io = rados.ioCtx("trimmed")) {
            List<Long> snaps = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                long snap = io.selfManagedSnapCreate();
                snaps.add(0, snap);
                io.setSelfManagedSnapWrite(snap, snaps);
                for (int i = 0; i < (round == 0 ? 200 : 100); i++) {
                    data[0] = (byte) round;
                    io.writeFull("t-" + i, data);
                }
            }
        }
        long expected = 300L * rados.map().pool("trimmed").size();
        for (int osd = 0; osd < OSDS; osd++) {
            cluster.local.stop("osd." + osd, false);
        }
        long clones = 0;
        for (int osd = 0; osd < OSDS; osd++) {
            String out = cluster.cli("osd", "fsck", "--id", Integer.toString(osd));
            log("osd.%d fsck: %s", osd, out.strip().replace('\n', ' '));
            Matcher m = Pattern.compile("snapshots: \\d+ PGs, \\d+ heads, (\\d+) clones").matcher(out);
            assertTrue(m.find(), out);
            clones += Long.parseLong(m.group(1));
        }
        assertEquals(expected, clones, "every copy of every clone was checked");
    }

    private static ErrorCode readAtCode(IoCtx io, long snap, String oid) {
        io.setSnapRead(snap);
        try {
            io.read(oid, 0, 0);
            return ErrorCode.OK;
        } catch (RadosException e) {
            return e.code();
        } finally {
            io.setSnapRead(IoCtx.SNAP_HEAD);
        }
    }

    private static void writeAll(IoCtx io, byte[] data) {
        List<java.util.concurrent.CompletableFuture<Long>> pending = new ArrayList<>();
        for (int i = 0; i < TRIM_OBJECTS; i++) {
            pending.add(io.writeFullAsync("t-" + i, data));
            if (pending.size() >= 32) {
                pending.remove(0).join();
            }
        }
        pending.forEach(java.util.concurrent.CompletableFuture::join);
    }

    /** Waits until every snap the pool removed has left its removed_snaps_queue, purged by every PG. */
    private void awaitPurged(String pool, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Pool p = rados.map().pool(pool);
            if (p.removedSnapsQueue().isEmpty()) {
                log("pool %s: every removed snap purged (%d)", pool, p.purgedSnaps().size());
                return;
            }
            assertTrue(System.nanoTime() < deadline, "pool " + pool + " still queues " + p.removedSnapsQueue() + ": "
                    + ClusterChecks.pgStatLine(cluster));
            ClusterChecks.sleepMs(500);
        }
    }

    private void awaitPoolStats(String pool, long objects, long bytes) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        var st = rados.poolStats(pool);
        while (st.objects() != objects || st.storedBytes() != bytes) {
            assertTrue(System.nanoTime() < deadline, "pool " + pool + " has " + st.objects() + " objects, "
                    + st.storedBytes() + " bytes; want " + objects + ", " + bytes);
            ClusterChecks.sleepMs(500);
            st = rados.poolStats(pool);
        }
    }

    @SuppressWarnings("unchecked")
    private long[] osdUsedKb() {
        try (MonClient mon = cluster.client()) {
            CommandReply r = mon.command("osd df", Map.of());
            long[] out = new long[OSDS];
            for (Object o : (List<Object>) ((Map<String, Object>) Json.parse(r.getOutputJson())).get("nodes")) {
                Map<String, Object> n = (Map<String, Object>) o;
                out[((Number) n.get("id")).intValue()] = ((Number) n.get("kb_used")).longValue();
            }
            return out;
        }
    }

    /** The OSDs report their space every second or so: wait for the figure to come down. */
    private long[] awaitUsedKb(long[] target) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long[] now = osdUsedKb();
        while (System.nanoTime() < deadline) {
            boolean close = true;
            for (int osd = 0; osd < OSDS; osd++) {
                close &= Math.abs(now[osd] - target[osd]) <= Math.max(target[osd] / 100, 64);
            }
            if (close) {
                break;
            }
            ClusterChecks.sleepMs(1000);
            now = osdUsedKb();
        }
        return now;
    }

    @SuppressWarnings("unchecked")
    private void deepScrubAll(String pool) {
        long since = System.currentTimeMillis();
        int pgNum = rados.map().pool(pool).pgNum();
        long poolId = rados.map().pool(pool).id();
        for (int seed = 0; seed < pgNum; seed++) {
            rados.pgCommand(poolId + "." + Integer.toHexString(seed), "deep-scrub");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (true) {
            int done = 0;
            List<Map<String, Object>> pgs;
            try (MonClient mon = cluster.client()) {
                CommandReply r = mon.command("pg ls-by-pool", Map.of("pool", pool));
                pgs = (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(r.getOutputJson())).get("pg_stats");
            }
            for (Map<String, Object> pg : pgs) {
                String state = String.valueOf(pg.get("state"));
                assertTrue(!state.contains("inconsistent"), "pg " + pg.get("pgid") + " is " + state);
                Object stamp = pg.get("last_deep_scrub_stamp");
                if (stamp != null && Instant.parse(stamp.toString()).toEpochMilli() >= since - 1000
                        && ClusterChecks.cleanWhileScrubbing(state) && !state.contains("scrubbing")) {
                    done++;
                }
            }
            if (done == pgNum) {
                log("deep scrub of %d PGs of %s: nothing found", pgNum, pool);
                return;
            }
            assertTrue(System.nanoTime() < deadline, done + " of " + pgNum + " PGs deep-scrubbed clean");
            ClusterChecks.sleepMs(1000);
        }
    }
}
