package io.cairn.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.IoCtx;
import io.cairn.client.Rados;
import io.cairn.client.RadosException;
import io.cairn.common.mon.MonClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A crashed OSD (kill -9: it cannot say goodbye) is noticed by its peers' heartbeats, reported,
 * marked down by the monitors, and the client's writes to its PGs go through again.
 */
class OsdHeartbeatIT {
    private static final String CONF = TestCluster.FAST_FAILURE_CONF + "osd_mon_contact_grace = 3\n";

    @Test
    void killedOsdIsReportedByPeersAndMarkedDown() throws Exception {
        try (TestCluster cluster = TestCluster.start(1, 3, 256L << 20, CONF)) {
            cluster.local.createPoolIfMissing("data", 3);
            assertTrue(cluster.local.awaitPgsActive("data", Duration.ofSeconds(60)));
            try (Rados rados = Rados.builder().conf(cluster.conf()).connect(); MonClient mon = cluster.client()) {
                IoCtx io = rados.ioCtx("data");
                for (int i = 0; i < 32; i++) {
                    io.writeFull("before-" + i, new byte[] {(byte) i});
                }
                cluster.local.stop("osd.2", true);
                long killed = System.nanoTime();
                while (mon.getMap(0).isUp(2)) {
                    assertTrue(System.nanoTime() - killed < Duration.ofSeconds(30).toNanos(),
                            "osd.2 is marked down within 30 s of kill -9");
                    Thread.sleep(200);
                }
                System.out.printf("osd.2 marked down %.1f s after kill -9%n", (System.nanoTime() - killed) / 1e9);
                for (int i = 0; i < 32; i++) {
                    io.writeFull("after-" + i, new byte[] {(byte) i});
                    assertArrayEquals(new byte[] {(byte) i}, io.read("after-" + i, 0, 0));
                }
                // health says what a user must know: an OSD down, PGs with two copies of three, all serving
                String health = "";
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    health = mon.command("health", Map.of("detail", "true")).getOutputPlain();
                    if (health.contains("PG_DEGRADED") && !health.contains("PG_AVAILABILITY")) {
                        break;
                    }
                    Thread.sleep(300);
                }
                assertTrue(health.startsWith("HEALTH_WARN") && health.contains("[WRN] OSD_DOWN: 1 osds down")
                        && health.contains("Degraded data redundancy: ")
                        && health.contains("current state active+undersized+degraded")
                        && !health.contains("PG_AVAILABILITY"), health);
                System.out.print("health detail with osd.2 down:\n" + health);
            }
            // cut off from the monitors, an OSD stops serving as primary; back in touch, it serves again
            cluster.local.stop("mon.a", false);
            Thread.sleep(5000);
            cluster.local.start("mon.a");
            try (Rados quick = Rados.builder().conf(cluster.conf()).opTimeout(Duration.ofSeconds(4)).connect()) {
                IoCtx io = quick.ioCtx("data");
                cluster.local.stop("mon.a", false);
                Thread.sleep(5000);
                assertThrows(RadosException.Timeout.class, () -> io.writeFull("cut-off", new byte[] {1}));
                cluster.local.start("mon.a");
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                boolean served = false;
                while (!served && System.nanoTime() < deadline) {
                    try {
                        io.writeFull("reconnected", new byte[] {2});
                        served = true;
                    } catch (RadosException.Timeout stillCutOff) {
                        // the OSDs have not reported to the restarted monitor yet
                    }
                }
                assertTrue(served, "primaries serve again once the monitors answer");
            }
        }
    }
}
