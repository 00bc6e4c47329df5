package io.cairn.itest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.mon.MonClient;
import io.cairn.common.osdmap.OsdMap;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Failure handling against a real monitor, with test OSD clients that boot, send beacons and
 * report peers: reporters from distinct hosts, silence, down-out, noout, and the in-ratio floor.
 */
class OsdFailureIT {
    private static final String CONF = """

            [global]
            mon_osd_report_timeout = 4
            mon_osd_down_out_interval = 6
            mon_osd_min_in_ratio = 0.75
            mon_tick_interval = 0.5
            """;

    @Test
    void reportersSilenceDownOutNooutAndRatio() throws Exception {
        try (TestCluster cluster = TestCluster.start(1, CONF); MonClient mon = cluster.client()) {
            for (int i = 0; i < 4; i++) {
                TestCluster.ok(mon.command("osd create", Map.of("uuid", "uuid-" + i)));
                mon.osdBoot(i, "uuid-" + i, "127.0.0.1:" + (7000 + i), "h" + i, "", 1.0);
            }
            Set<Integer> alive = ConcurrentHashMap.newKeySet();
            alive.addAll(Set.of(0, 1, 2, 3));
            ScheduledExecutorService beacons = Executors.newSingleThreadScheduledExecutor();
            try {
                beacons.scheduleAtFixedRate(() -> alive.forEach(id -> {
                    try {
                        mon.osdBeacon(id, 0);
                    } catch (RuntimeException e) {
                        // a missed beacon is what the test is about for silent OSDs only; others retry next round
                    }
                }), 0, 1, TimeUnit.SECONDS);

                for (int i = 0; i < 6; i++) {
                    mon.osdFailure(1, 0, mon.getMap(0).epoch(), false, 30);
                    Thread.sleep(500);
                }
                assertTrue(mon.getMap(0).isUp(0), "one reporter does not mark osd.0 down");

                mon.osdFailure(2, 0, mon.getMap(0).epoch(), false, 30);
                awaitMap(mon, m -> !m.isUp(0), Duration.ofSeconds(5), "two reporters from two hosts mark osd.0 down");
                alive.remove(0);

                awaitMap(mon, m -> !m.isIn(0), Duration.ofSeconds(15), "osd.0 is marked out after the down-out interval");

                TestCluster.ok(mon.command("osd set", Map.of("key", "noout")));
                alive.remove(3);
                awaitMap(mon, m -> !m.isUp(3), Duration.ofSeconds(10), "silence past the report timeout marks osd.3 down");
                Thread.sleep(9000);
                assertTrue(mon.getMap(0).isIn(3), "noout keeps osd.3 in");

                TestCluster.ok(mon.command("osd unset", Map.of("key", "noout")));
                Thread.sleep(9000);
                OsdMap m = mon.getMap(0);
                assertTrue(m.isIn(3), "2 of 4 in would fall below mon_osd_min_in_ratio 0.75: osd.3 stays in");
                assertFalse(m.isIn(0));
            } finally {
                beacons.shutdownNow();
                beacons.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void awaitMap(MonClient mon, Predicate<OsdMap> condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.test(mon.getMap(0))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + "s: " + what);
    }
}
