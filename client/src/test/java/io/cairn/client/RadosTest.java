package io.cairn.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.OpLog.Entry;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.ConfigFile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connecting in one step, the handle's life, and every write (blocking too) giving the new version. */
@Timeout(60)
class RadosTest {
    private static final Duration OP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private FakeCluster cluster;

    @BeforeEach
    void start() {
        cluster = new FakeCluster(1);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void connectFromAConfigGivesAConnectedHandle() {
        CairnConfig config = CairnConfig.of(ConfigFile.empty(), "client.test", Map.of("mon_host", cluster.mon().address()));
        try (Rados rados = Rados.connect(config)) {
            assertEquals(cluster.mon().latest().epoch(), rados.map().epoch(), "the map was fetched while connecting");
            assertEquals(List.of(FakeCluster.POOL), rados.poolList());
            assertEquals(FakeCluster.POOL_ID, rados.ioCtx(FakeCluster.POOL).poolId());
        }
    }

    @Test
    void builderConnectsInOneStep() {
        try (Rados rados = Rados.builder().monHost(cluster.mon().address()).opTimeout(OP_TIMEOUT).connect();
             IoCtx io = rados.ioCtx(FakeCluster.POOL)) {
            io.writeFull("x", new byte[] {4, 2});
            assertArrayEquals(new byte[] {4, 2}, io.read("x", 0, 0));
        }
    }

    @Test
    void connectWithNoMonitorAnsweringIsATimeout() {
        FakeOsd gone = new FakeOsd(9, new OpLog());
        String deadMon = gone.address();
        gone.close();
        CairnConfig config = CairnConfig.of(ConfigFile.empty(), "client.test",
                Map.of("mon_host", deadMon, "rados_mon_op_timeout", "1", "client_mon_connect_timeout", "1"));
        RadosException e = assertThrows(RadosException.Timeout.class, () -> Rados.connect(config));
        assertTrue(e.getMessage().contains("no OSDMap"), e.getMessage());
    }

    @Test
    void closedHandleRefusesWork() {
        Rados rados = cluster.connect(OP_TIMEOUT);
        rados.close();
        rados.close();
        assertThrows(IllegalStateException.class, () -> rados.ioCtx(FakeCluster.POOL));
        assertThrows(IllegalStateException.class, rados::map);
    }

    @Test
    void missingPoolIsNotFound() {
        try (Rados rados = cluster.connect(OP_TIMEOUT)) {
            assertThrows(RadosException.NotFound.class, () -> rados.ioCtx("no-such-pool"));
        }
    }

    @Test
    void blockingWritesReturnTheVersionTheOsdAssigned() {
        try (Rados rados = cluster.connect(OP_TIMEOUT); IoCtx io = rados.ioCtx(FakeCluster.POOL)) {
            long[] versions = {
                io.writeFull("obj", new byte[] {1}),
                io.setXattr("obj", "owner", new byte[] {2}),
                io.omapSet("obj", Map.of("k", new byte[] {3})),
                io.rmXattr("obj", "owner"),
                io.omapRmKeys("obj", List.of("k")),
                io.remove("obj"),
            };
            List<Entry> answered = cluster.log().onObject("obj");
            assertEquals(versions.length, answered.size());
            for (int i = 0; i < versions.length; i++) {
                assertEquals(answered.get(i).version(), versions[i], "write " + i + " returns its reply's version");
                assertTrue(i == 0 || versions[i] > versions[i - 1], "versions grow");
            }
            assertThrows(RadosException.NotFound.class, () -> io.stat("obj"));
        }
    }

    @Test
    void asyncRemoveCompletesWithTheVersionOrFailsTyped() throws InterruptedException {
        try (Rados rados = cluster.connect(OP_TIMEOUT); IoCtx io = rados.ioCtx(FakeCluster.POOL)) {
            io.writeFull("y", new byte[] {1});
            long removed = Await.result(io.removeAsync("y"), WAIT);
            assertEquals(cluster.log().onObject("y").get(1).version(), removed);
            assertThrows(RadosException.NotFound.class, () -> Await.result(io.removeAsync("y"), WAIT));
        }
    }
}
