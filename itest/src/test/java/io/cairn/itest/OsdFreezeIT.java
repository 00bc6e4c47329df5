package io.cairn.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.IoCtx;
import io.cairn.client.Rados;
import io.cairn.common.cli.Json;
import io.cairn.common.mon.MonClient;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.Placement;
import io.cairn.common.osdmap.Pool;
import io.cairn.proto.v1.CommandReply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An OSD frozen with SIGSTOP (alive, its sockets open, answering nothing) must cost the cluster
 * only what it holds: writes to PGs without it keep completing while it is frozen, the other OSDs'
 * heartbeats go on (none of them is marked down), the frozen one is marked down within the
 * heartbeat grace, and after SIGCONT it sees itself marked down, boots again, and every PG returns
 * to active+clean.
 */
class OsdFreezeIT {
    private static final int OSDS = 5;
    private static final int FROZEN = 4;
    private static final String CONF = TestCluster.FAST_FAILURE_CONF;
    private static final Duration FROZEN_FOR = Duration.ofSeconds(15);
    /** Far below osd_peer_op_timeout (30 s): a write that waited on the frozen peer would show. */
    private static final long WRITE_MAX_MS = 8000;

    @Test
    void frozenOsdIsMarkedDownWhileOthersServeAndBootsAgainAfterSigcont() throws Exception {
        try (TestCluster cluster = TestCluster.start(1, OSDS, 256L << 20, CONF)) {
            cluster.local.createPoolIfMissing("data", 3);
            assertTrue(cluster.local.awaitPgsActive("data", Duration.ofSeconds(90)));
            try (Rados rados = Rados.builder().conf(cluster.conf()).connect(); MonClient mon = cluster.client()) {
                IoCtx io = rados.ioCtx("data");
                List<String> away = objectsAwayFrom(mon.getMap(0), 24);
                long pid = cluster.local.running("osd." + FROZEN).orElseThrow().pid();
                signal("STOP", pid);
                long frozenAt = System.nanoTime();
                double markedDownSec = -1;
                int writes = 0;
                long slowestMs = 0;
                try {
                    while (System.nanoTime() - frozenAt < FROZEN_FOR.toNanos()) {
                        for (String name : away) {
                            long t0 = System.nanoTime();
                            byte[] data = (name + "/" + writes).getBytes(StandardCharsets.UTF_8);
                            io.writeFull(name, data);
                            assertArrayEquals(data, io.read(name, 0, 0));
                            long ms = (System.nanoTime() - t0) / 1_000_000;
                            slowestMs = Math.max(slowestMs, ms);
                            assertTrue(ms < WRITE_MAX_MS, name + " (a PG without osd." + FROZEN + ") took " + ms + " ms");
                            writes++;
                        }
                        OsdMap m = mon.getMap(0);
                        for (int osd = 0; osd < OSDS; osd++) {
                            if (osd != FROZEN) {
                                assertTrue(m.isUp(osd), "osd." + osd + " stays up while osd." + FROZEN + " is frozen");
                            }
                        }
                        if (markedDownSec < 0 && !m.isUp(FROZEN)) {
                            markedDownSec = (System.nanoTime() - frozenAt) / 1e9;
                        }
                    }
                } finally {
                    signal("CONT", pid);
                }
                System.out.printf("osd.%d frozen %d s: %d writes elsewhere (slowest %d ms), marked down after %.1f s%n",
                        FROZEN, FROZEN_FOR.toSeconds(), writes, slowestMs, markedDownSec);
                assertTrue(markedDownSec > 0 && markedDownSec < 12,
                        "the frozen OSD is marked down within the heartbeat grace (and the reporting): " + markedDownSec);
                assertTrue(awaitUp(mon, FROZEN, Duration.ofSeconds(60)), "after SIGCONT osd." + FROZEN + " boots again");
                assertEquals(pid, cluster.local.running("osd." + FROZEN).orElseThrow().pid(), "the same process");
                assertTrue(awaitAllClean(mon, Duration.ofSeconds(120)), "every PG active+clean again");
                for (String name : away) {
                    assertTrue(io.read(name, 0, 0).length > 0);
                }
            }
        }
    }

    /** Object names whose PGs do not include the OSD to be frozen. */
    private static List<String> objectsAwayFrom(OsdMap m, int count) {
        Pool pool = m.pools().values().stream().filter(p -> p.name().equals("data")).findFirst().orElseThrow();
        List<String> out = new ArrayList<>();
        for (int i = 0; out.size() < count && i < 10_000; i++) {
            String name = "away-" + i;
            if (!m.mapPg(Placement.objectPg(pool, name, "", "")).acting().contains(FROZEN)) {
                out.add(name);
            }
        }
        return out;
    }

    private static void signal(String sig, long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertEquals(0, p.waitFor(), "kill -" + sig + " " + pid);
    }

    private static boolean awaitUp(MonClient mon, int osd, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (mon.getMap(0).isUp(osd)) {
                return true;
            }
            Thread.sleep(300);
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static boolean awaitAllClean(MonClient mon, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            CommandReply r = mon.command("pg stat", Map.of());
            if (r.getCode() == 0) {
                var summary = (Map<String, Object>) ((Map<String, Object>) Json.parse(r.getOutputJson())).get("pg_summary");
                long pgs = ((Number) summary.get("num_pgs")).longValue();
                long clean = 0;
                for (Object o : (List<Object>) summary.get("num_pg_by_state")) {
                    var s = (Map<String, Object>) o;
                    if ("active+clean".equals(s.get("name"))) {
                        clean += ((Number) s.get("num")).longValue();
                    }
                }
                if (pgs > 0 && clean == pgs) {
                    return true;
                }
            }
            Thread.sleep(500);
        }
        return false;
    }
}
