package io.cairn.itest;

import io.cairn.common.cli.Json;
import io.cairn.common.mon.MonClient;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.CommandReply;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Waits on a test cluster's state through the monitors, shared by the thrash tests. */
final class ClusterChecks {
    private ClusterChecks() {}

    static void awaitMap(TestCluster cluster, java.util.function.Predicate<OsdMap> cond, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (MonClient mon = cluster.client()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (cond.test(mon.getMap(0))) {
                        return;
                    }
                } catch (RuntimeException e) {
                    // the monitors may be electing
                }
                Thread.sleep(300);
            }
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s: " + what);
    }

    /**
     * Seconds until each of the {@code osds} OSDs (but {@code outOsd}) is up and in and every PG
     * has been active+clean for three polls in a row; -1 on timeout.
     */
    static double awaitClean(TestCluster cluster, int osds, Duration timeout, int outOsd) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        int good = 0;
        try (MonClient mon = cluster.client()) {
            while (System.nanoTime() < deadline) {
                try {
                    OsdMap m = mon.getMap(0);
                    boolean osdsOk = true;
                    for (int osd = 0; osd < osds; osd++) {
                        osdsOk &= m.isUp(osd) && (osd == outOsd ? !m.isIn(osd) : m.isIn(osd));
                    }
                    good = osdsOk && allClean(mon) ? good + 1 : 0;
                    if (good >= 3) {
                        return (System.nanoTime() - start) / 1e9;
                    }
                } catch (RuntimeException e) {
                    good = 0;
                }
                sleepMs(700);
            }
        }
        return -1;
    }

    /**
     * A PG counts as clean while a scrub reads it or the snap trimmer works on it (as in Ceph:
     * neither makes it unclean).
     */
    static boolean cleanWhileScrubbing(String state) {
        Set<String> flags = new HashSet<>(List.of(state.split("\\+")));
        flags.removeAll(Set.of("scrubbing", "deep", "snaptrim", "snaptrim_wait"));
        return flags.equals(Set.of("active", "clean"));
    }

    @SuppressWarnings("unchecked")
    static boolean allClean(MonClient mon) {
        CommandReply r = mon.command("pg stat", Map.of());
        if (r.getCode() != 0) {
            return false;
        }
        Map<String, Object> summary = (Map<String, Object>) ((Map<String, Object>) Json.parse(r.getOutputJson())).get("pg_summary");
        long pgs = ((Number) summary.get("num_pgs")).longValue();
        long clean = 0;
        for (Object o : (List<Object>) summary.get("num_pg_by_state")) {
            Map<String, Object> s = (Map<String, Object>) o;
            if (cleanWhileScrubbing(String.valueOf(s.get("name")))) {
                clean += ((Number) s.get("num")).longValue();
            }
        }
        return pgs > 0 && clean == pgs;
    }

    static String pgStatLine(TestCluster cluster) {
        try (MonClient mon = cluster.client()) {
            return mon.command("pg stat", Map.of()).getOutputPlain().strip() + " | "
                    + mon.command("health", Map.of("detail", "true")).getOutputPlain().strip().replace('\n', ' ');
        } catch (RuntimeException e) {
            return "pg stat failed: " + e;
        }
    }

    static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
