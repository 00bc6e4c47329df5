package io.cairn.osd.peering.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.net.HostPort;
import io.cairn.common.net.Messenger;
import io.cairn.common.osdmap.OsdInfo;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.Pool;
import io.cairn.common.time.Clock;
import io.cairn.crush.CrushMapBuilder;
import io.cairn.objectstore.StoreLimits;
import io.cairn.objectstore.mem.MemStore;
import io.cairn.osd.net.PeerChannels;
import io.cairn.osd.pg.PgCopies;
import io.cairn.osd.pg.PgRegistry;
import io.cairn.proto.v1.OsdServiceGrpc;
import io.cairn.proto.v1.StrayCheckReply;
import io.cairn.proto.v1.StrayCheckRequest;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * osd.0 holds a copy of a PG that maps only to osd.1 (osd.0 is out): it asks osd.1, and removes
 * its copy only when told the PG is clean without it and its own map still agrees.
 */
class StrayCheckerTest {
    private static final PgId PG = new PgId(1, 3);

    /** The primary, osd.1: answers with whatever the test says and records every question. */
    private static final class FakePrimary extends OsdServiceGrpc.OsdServiceImplBase {
        final LinkedBlockingQueue<StrayCheckRequest> asked = new LinkedBlockingQueue<>();
        final AtomicBoolean clean = new AtomicBoolean();

        @Override
        public void strayCheck(StrayCheckRequest req, StreamObserver<StrayCheckReply> out) {
            asked.add(req);
            out.onNext(StrayCheckReply.newBuilder().setRemove(clean.get()).setEpoch(req.getEpoch()).build());
            out.onCompleted();
        }
    }

    private final FakePrimary primary = new FakePrimary();
    private final List<PgId> removed = new CopyOnWriteArrayList<>();
    private final AtomicReference<OsdMap> map = new AtomicReference<>();
    private Server server;
    private PeerChannels peers;
    private PgRegistry registry;
    private StrayChecker checker;

    @BeforeEach
    void setUp() throws Exception {
        server = Messenger.serverOnNetworkThreads(new HostPort("127.0.0.1", 0), 1 << 20).addService(primary).build()
                .start();
        peers = new PeerChannels(1 << 20, 10_000);
        MemStore store = new MemStore(16L << 20, 4096, StoreLimits.DEFAULT);
        store.mount();
        registry = new PgRegistry(store, new PgCopies(store), Runnable::run, Clock.SYSTEM);
        map.set(mapWith(false));
        registry.ensureCollection(PG, map.get());
        checker = new StrayChecker(map::get, registry, peers, (id, why) -> removed.add(id), 0);
    }

    @AfterEach
    void tearDown() throws Exception {
        peers.close();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** osd.1 in, osd.0 in only when {@code zeroIn} (each on its own host); pool 1 of size 2. */
    private OsdMap mapWith(boolean zeroIn) {
        CrushMapBuilder crush = CrushMapBuilder.newDefault();
        crush.addDevice(0, "osd.0", "hdd").link(0, crush.addHost("h0", crush.idOf("default")), OsdInfo.WEIGHT_IN);
        crush.addDevice(1, "osd.1", "hdd").link(1, crush.addHost("h1", crush.idOf("default")), OsdInfo.WEIGHT_IN);
        String address = "127.0.0.1:" + server.getPort();
        return OsdMap.initial("fsid-stray-test", 0, crush.build()).toBuilder()
                .putOsd(new OsdInfo(0, "uuid-0", true, true, zeroIn ? OsdInfo.WEIGHT_IN : 0, "127.0.0.1:1", 1, 0, 0, 0,
                        "h0", false, false))
                .putOsd(new OsdInfo(1, "uuid-1", true, true, OsdInfo.WEIGHT_IN, address, 1, 0, 0, 0, "h1", false, false))
                .putPool(new Pool(1, "p", Pool.TYPE_REPLICATED, 2, 1, 8, 8, 0, Pool.FLAG_HASHPSPOOL, 0, 1))
                .build(0);
    }

    private StrayCheckRequest nextQuestion() throws InterruptedException {
        StrayCheckRequest r = primary.asked.poll(10, TimeUnit.SECONDS);
        assertTrue(r != null, "osd.0 asked the primary nothing");
        return r;
    }

    /** The answer arrives on a gRPC thread; ticks ask again only once it has. */
    private void tickUntilAskedAgain() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (primary.asked.isEmpty() && System.nanoTime() < deadline) {
            checker.tick();
            Thread.sleep(20);
        }
    }

    @Test
    void aCopyTheCleanPrimaryDoesNotNeedIsRemoved() throws Exception {
        assertEquals(1, map.get().mapPg(PG).actingPrimary(), "the PG maps to osd.1 alone");
        primary.clean.set(true);
        checker.tick();
        StrayCheckRequest q = nextQuestion();
        assertEquals(List.of(1L, 3, 0, map.get().epoch()), List.of(q.getPool(), q.getSeed(), q.getFrom(), q.getEpoch()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (removed.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of(PG), removed);
    }

    @Test
    void aCopyIsKeptWhileThePrimaryIsNotCleanAndAskedAboutAgain() throws Exception {
        checker.tick();
        nextQuestion();
        tickUntilAskedAgain();
        nextQuestion();
        assertEquals(List.of(), removed, "not clean yet: the copy stays");
    }

    @Test
    void aCopyOfAPgThisOsdServesIsNeverAskedAbout() throws Exception {
        map.set(mapWith(true));
        assertTrue(map.get().mapPg(PG).acting().contains(0), "osd.0 serves the PG again");
        primary.clean.set(true);
        checker.tick();
        assertEquals(null, primary.asked.poll(500, TimeUnit.MILLISECONDS));
        assertEquals(List.of(), removed);
    }

    @Test
    void aYesIsIgnoredWhenANewerMapMadeThisOsdAMemberAgain() throws Exception {
        primary.clean.set(true);
        // the first read of the map (the tick's) is the old one; by the answer, osd.0 is in again
        OsdMap member = mapWith(true);
        AtomicBoolean read = new AtomicBoolean();
        checker = new StrayChecker(() -> read.getAndSet(true) ? member : map.get(), registry, peers,
                (id, why) -> removed.add(id), 0);
        checker.tick();
        nextQuestion();
        Thread.sleep(500);
        assertEquals(List.of(), removed);
    }
}
