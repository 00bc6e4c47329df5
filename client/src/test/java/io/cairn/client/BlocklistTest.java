package io.cairn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.EntityAddr;
import io.cairn.common.osdmap.OsdMap;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A handle's entity address travels with every op; a fenced handle's ops fail with
 * {@link RadosException.Blocklisted}, never resent, whether an OSD says so or the client's own map.
 */
@Timeout(60)
class BlocklistTest {
    private static final Duration OP_TIMEOUT = Duration.ofSeconds(20);
    private static final byte[] DATA = "x".getBytes(StandardCharsets.UTF_8);

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
    void everyOpCarriesTheHandlesOwnAddress() {
        try (Rados a = cluster.connect(OP_TIMEOUT); Rados b = cluster.connect(OP_TIMEOUT);
             IoCtx ioA = a.ioCtx(FakeCluster.POOL); IoCtx ioB = b.ioCtx(FakeCluster.POOL)) {
            EntityAddr addr = EntityAddr.parse(a.address());
            assertEquals(a.address(), addr.toString(), "canonical, as the blocklist keys it");
            assertEquals("127.0.0.1", addr.ip().getHostAddress(), "the monitors are on loopback");
            assertEquals(0, addr.port());
            assertTrue(addr.nonce() != 0, "nonce 0 would be the whole-host entry");
            assertNotEquals(a.address(), b.address(), "each handle has a nonce of its own");
            ioA.writeFull("one", DATA);
            ioA.writeFull("two", DATA);
            ioB.writeFull("three", DATA);
            assertEquals(List.of(a.address(), a.address(), b.address()),
                    cluster.log().entries().stream().map(OpLog.Entry::addr).toList());
            assertEquals(a.address(), a.address(), "fixed for the handle's life");
        }
    }

    @Test
    void anOsdsRefusalIsBlocklistedAndNotResent() {
        cluster.osd(0).policy((req, osd) -> FakeOsd.reply(ErrorCode.EBLOCKLISTED, "client " + req.getAddr()
                + " is blocklisted", req.getEpoch()));
        try (Rados rados = cluster.connect(OP_TIMEOUT); IoCtx io = rados.ioCtx(FakeCluster.POOL)) {
            RadosException e = assertThrows(RadosException.Blocklisted.class, () -> io.writeFull("obj", DATA));
            assertEquals(ErrorCode.EBLOCKLISTED, e.code());
            assertEquals("client " + rados.address() + " is blocklisted", e.getMessage());
            assertEquals(1, cluster.log().entries().size(), "asked once: a resend cannot help a fenced client");
        }
    }

    @Test
    void aClientWhoseMapListsItFailsOpsWithoutAskingAnOsd() throws Exception {
        try (Rados rados = cluster.connect(OP_TIMEOUT); IoCtx io = rados.ioCtx(FakeCluster.POOL)) {
            io.writeFull("before", DATA);
            long far = System.currentTimeMillis() + 3_600_000;
            // another handle on this host, and an entry that has lapsed: neither fences this one
            publish(cluster.mon().latest().toBuilder().blocklistAdd("127.0.0.1:0/1", far)
                    .blocklistAdd(rados.address(), System.currentTimeMillis() - 1));
            awaitEpoch(rados, cluster.mon().latest().epoch());
            io.writeFull("still", DATA);
            publish(cluster.mon().latest().toBuilder().blocklistAdd(rados.address(), far));
            awaitEpoch(rados, cluster.mon().latest().epoch());
            int asked = cluster.log().entries().size();
            RadosException e = assertThrows(RadosException.Blocklisted.class, () -> io.read("before", 0, 0));
            assertTrue(e.getMessage().contains(rados.address()), e.getMessage());
            assertEquals(asked, cluster.log().entries().size(), "no OSD was asked");
        }
    }

    @Test
    void aWholeHostEntryFencesEveryHandleOnIt() throws Exception {
        try (Rados rados = cluster.connect(OP_TIMEOUT); IoCtx io = rados.ioCtx(FakeCluster.POOL)) {
            publish(cluster.mon().latest().toBuilder().blocklistAdd("127.0.0.1:0/0", System.currentTimeMillis() + 60_000));
            awaitEpoch(rados, cluster.mon().latest().epoch());
            assertThrows(RadosException.Blocklisted.class, () -> io.writeFull("obj", DATA));
            assertEquals(0, cluster.log().entries().size());
        }
    }

    @Test
    void addressesOfMonitorsOnLoopbackAreLoopback() {
        assertEquals("127.0.0.1", ClientAddress.localIp(List.of("127.0.0.1:6789")).getHostAddress());
        assertEquals("127.0.0.1", ClientAddress.localIp(List.of("localhost:6789", "10.0.0.1:6789")).getHostAddress());
        assertEquals("127.0.0.1", ClientAddress.localIp(List.of("[::1]:6789")).getHostAddress());
        assertTrue(ClientAddress.isLoopback("127.0.0.2"));
        assertTrue(!ClientAddress.isLoopback("10.0.0.1") && !ClientAddress.isLoopback("mon1.example"));
    }

    @Test
    void theNonceIsAnUnsignedNonzero32BitNumber() {
        // a source that first draws 0, then -1: 0 is skipped, -1 is read unsigned
        RandomGenerator draws = new RandomGenerator() {
            private int n;

            @Override
            public long nextLong() {
                return n++ == 0 ? 0 : -1L;
            }

            @Override
            public int nextInt() {
                return (int) nextLong();
            }
        };
        assertEquals("127.0.0.1:0/4294967295", ClientAddress.forHandle(List.of("127.0.0.1:1"), draws).toString());
    }

    private void publish(OsdMap.Builder next) {
        cluster.mon().publish(next.build(System.currentTimeMillis()));
    }

    private static void awaitEpoch(Rados rados, int epoch) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (rados.map().epoch() < epoch) {
            assertTrue(System.nanoTime() < deadline, "the client never got epoch " + epoch);
            Thread.sleep(10);
        }
    }
}
