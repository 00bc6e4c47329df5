package io.cairn.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.IoCtx;
import io.cairn.client.ObjectReadOperation;
import io.cairn.client.ObjectWriteOperation;
import io.cairn.client.Rados;
import io.cairn.client.RadosException;
import io.cairn.client.SnapSetListing;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.proto.v1.AdminReadReply;
import io.cairn.proto.v1.AdminReadRequest;
import io.cairn.proto.v1.CmpOp;
import io.cairn.proto.v1.ObjectLocator;
import io.cairn.proto.v1.OpReply;
import io.cairn.proto.v1.OpRequest;
import io.cairn.proto.v1.OpStat;
import io.cairn.proto.v1.OsdOp;
import io.cairn.proto.v1.OsdServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three monitors and three OSD processes: objects written through the client read back byte for
 * byte and sit identically on exactly their PG's OSDs; guards, concurrent writers, min_size,
 * stale maps and bad input. Seeded; the seed is printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OsdDataPathIT {
    private static final long SEED = Long.getLong("cairn.test.seed", 5L);
    /** 300 in CI; -Dcairn.itest.objects=1000 for the full run (about 4 GB per OSD: give it disk). */
    private static final int OBJECTS = Integer.getInteger("cairn.itest.objects", 300);
    private static final boolean FULL_SIZES = OBJECTS >= 1000;
    private TestCluster cluster;
    private Rados rados;
    private IoCtx io;

    @BeforeAll
    void up() throws Exception {
        cluster = TestCluster.start(3, 3, FULL_SIZES ? 6L << 30 : 512L << 20,
                "\n[global]\nosd_max_write_size = 9M\nrados_osd_op_timeout = 60\n");
        cluster.local.createPoolIfMissing("data", 3);
        assertTrue(cluster.local.awaitPgsActive("data", Duration.ofSeconds(60)));
        rados = Rados.builder().conf(cluster.conf()).connect();
        io = rados.ioCtx("data");
        System.out.println("OsdDataPathIT seed " + SEED);
    }

    @AfterAll
    void down() throws Exception {
        TestCluster.closeAll(rados, cluster);
    }

    private AdminReadReply adminRead(String address, String name) {
        return adminRead(address, io.poolId(), name);
    }

    private AdminReadReply adminRead(String address, long pool, String name) {
        int colon = address.lastIndexOf(':');
        ManagedChannel ch = NettyChannelBuilder.forAddress(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1))).usePlaintext().maxInboundMessageSize(64 << 20).build();
        try {
            return OsdServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS).adminRead(
                    AdminReadRequest.newBuilder().setOloc(ObjectLocator.newBuilder().setPool(pool).setName(name)).build());
        } finally {
            ch.shutdownNow();
        }
    }

    @Test
    @Order(1)
    void objectsReadBackAndLiveOnExactlyTheirOsds() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED);
        Map<String, byte[]> written = new HashMap<>();
        List<CompletableFuture<Long>> pending = new ArrayList<>();
        for (int i = 0; i < OBJECTS; i++) {
            // CI: mostly small, a few large (every size class within CI's time and disk); full: uniform 0..8 MiB
            int size = FULL_SIZES ? r.nextInt((8 << 20) + 1) : i % 60 == 0 ? 8 << 20 : i % 10 == 0 ? 0 : r.nextInt(256 << 10);
            byte[] data = new byte[size];
            r.nextBytes(data);
            String name = "obj-" + i;
            written.put(name, data);
            pending.add(io.writeFullAsync(name, data));
            if (pending.size() >= 16) {
                pending.remove(0).join();
            }
        }
        pending.forEach(CompletableFuture::join);
        OsdMap map = rados.map();
        for (Map.Entry<String, byte[]> e : written.entrySet()) {
            assertArrayEquals(e.getValue(), io.read(e.getKey(), 0, 0), "read back " + e.getKey());
            PgMapping pm = map.mapObject(io.poolId(), e.getKey(), "");
            Set<Integer> holders = new HashSet<>();
            for (int osd = 0; osd < 3; osd++) {
                AdminReadReply a = adminRead(map.osd(osd).address(), e.getKey());
                if (a.getCode() == 0) {
                    holders.add(osd);
                    assertArrayEquals(e.getValue(), a.getData().toByteArray(), e.getKey() + " on osd." + osd);
                }
            }
            assertEquals(new HashSet<>(pm.acting()), holders, e.getKey() + " lives on exactly its acting set");
        }
    }

    @Test
    @Order(2)
    void snapIdsFollowCephsRulesThroughTheClient() {
        rados.poolCreate("selfsnaps", 8);
        rados.poolCreate("poolsnaps", 8);
        try (IoCtx self = rados.ioCtx("selfsnaps"); IoCtx pooled = rados.ioCtx("poolsnaps")) {
            // self-managed ids start at 2 and only grow, removed ones included
            long first = self.selfManagedSnapCreate();
            long second = self.selfManagedSnapCreate();
            assertEquals(2, first);
            assertEquals(3, second);
            self.selfManagedSnapRemove(first);
            self.selfManagedSnapRemove(first); // already removed: no error
            assertEquals(5, self.selfManagedSnapCreate(), "the removal moved snap_seq on");
            assertEquals(ErrorCode.ENOENT, assertThrows(RadosException.class, () -> self.selfManagedSnapRemove(99)).code());
            // one mode per pool
            RadosException mixed = assertThrows(RadosException.class, () -> self.snapCreate("nope"));
            assertEquals(ErrorCode.EINVAL, mixed.code());
            assertEquals("pool selfsnaps is in unmanaged snaps mode", mixed.getMessage());
            assertEquals("[2~1]", rados.map().pool("selfsnaps").removedSnapsQueue().toString());

            pooled.snapCreate("monday");
            pooled.snapCreate("tuesday");
            assertEquals(List.of(1L, 2L), pooled.snapList());
            assertEquals(2, pooled.snapLookup("tuesday"));
            assertEquals("monday", pooled.snapGetName(1));
            assertTrue(pooled.snapGetStamp(1) > 0);
            pooled.snapRemove("monday");
            assertEquals(List.of(2L), pooled.snapList());
            assertThrows(RadosException.NotFound.class, () -> pooled.snapLookup("monday"));
            assertEquals(ErrorCode.EINVAL, assertThrows(RadosException.class, pooled::selfManagedSnapCreate).code());
        }
    }

    /**
     * Ceph's own librados snapshot case: three 128-byte blocks, a self-managed snap, the middle block
     * overwritten and a fourth appended: one clone sharing [0~128,256~128] with the head, size 384;
     * the head 512; a read at the snap gives the old bytes and a rollback restores them. The same
     * through the CLI: listsnaps, get at a pool snap, rollback.
     */
    @Test
    @Order(2)
    void clonesReadsAtASnapAndRollbackAsCephsLibradosTestExpects() throws Exception {
        rados.poolCreate("snapped", 8);
        byte[] a = filled('a', 128);
        byte[] b = filled('b', 128);
        byte[] c = filled('c', 128);
        try (IoCtx self = rados.ioCtx("snapped")) {
            self.write("foo", a, 0);
            self.write("foo", b, 128);
            self.write("foo", c, 256);
            long snap = self.selfManagedSnapCreate();
            assertEquals(2, snap);
            self.setSelfManagedSnapWrite(snap, List.of(snap));
            self.write("foo", filled('x', 128), 128);
            self.append("foo", filled('d', 128));

            SnapSetListing ls = self.listSnaps("foo");
            assertEquals(2, ls.clones().size(), "one clone and the head: " + ls);
            SnapSetListing.Clone clone = ls.clones().get(0);
            assertEquals(snap, clone.cloneId());
            assertEquals(List.of(snap), clone.snaps());
            assertEquals(List.of(new SnapSetListing.Extent(0, 128), new SnapSetListing.Extent(256, 128)), clone.overlap());
            assertEquals(384, clone.sizeBytes());
            assertTrue(ls.clones().get(1).isHead());
            assertEquals(512, ls.clones().get(1).sizeBytes());

            byte[] old = new byte[384];
            System.arraycopy(a, 0, old, 0, 128);
            System.arraycopy(b, 0, old, 128, 128);
            System.arraycopy(c, 0, old, 256, 128);
            self.setSnapRead(snap);
            assertArrayEquals(old, self.read("foo", 0, 0), "a read at the snap gives the old bytes");
            assertEquals(ErrorCode.EROFS, assertThrows(RadosException.class, () -> self.write("foo", a, 0)).code(),
                    "a snap is read-only");
            self.setSnapRead(IoCtx.SNAP_HEAD);
            assertEquals(512, self.stat("foo").sizeBytes());
            self.selfManagedSnapRollback("foo", snap);
            assertArrayEquals(old, self.read("foo", 0, 0), "rollback restores the 384 bytes");

            // a writer whose context is older than the object's gets EOLDSNAPC
            long newer = self.selfManagedSnapCreate();
            self.setSelfManagedSnapWrite(newer, List.of(newer, snap));
            self.remove("foo");
            assertThrows(RadosException.NotFound.class, () -> self.stat("foo"), "the head is a whiteout");
            List<String> names = new ArrayList<>();
            self.listObjects(false).forEachRemaining(o -> names.add(o.name()));
            assertFalse(names.contains("foo"), "a whiteout is not listed");
            self.setSnapRead(newer);
            assertArrayEquals(old, self.read("foo", 0, 0), "the newer snap still holds the rolled-back object");
            self.setSnapRead(IoCtx.SNAP_HEAD);
            self.setSelfManagedSnapWrite(snap, List.of(snap));
            assertEquals(ErrorCode.EOLDSNAPC, assertThrows(RadosException.class, () -> self.write("foo", a, 0)).code());
            assertEquals(ErrorCode.EINVAL, assertThrows(RadosException.class, () -> self.snapCreate("pooled")).code(),
                    "a pool snap on a self-managed pool is refused");
        }

        rados.poolCreate("pooled", 8);
        try (IoCtx pooled = rados.ioCtx("pooled")) {
            pooled.writeFull("bar", a);
            pooled.snapCreate("before");
            pooled.writeFull("bar", b);
            Path file = Files.createTempFile("snap", ".bin");
            try {
                cli("rados", "-p", "pooled", "-s", "before", "get", "bar", file.toString());
                assertArrayEquals(a, Files.readAllBytes(file), "get at the pool snap");
                assertEquals("bar:\ncloneid\tsnaps\tsize\toverlap\n1\t1\t128\t[]\nhead\t-\t128\n",
                        cli("rados", "-p", "pooled", "listsnaps", "bar"));
                assertEquals("rolled back pool pooled to snapshot before\n",
                        cli("rados", "-p", "pooled", "rollback", "bar", "before"));
                assertArrayEquals(a, pooled.read("bar", 0, 0));
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    private static byte[] filled(char ch, int n) {
        byte[] out = new byte[n];
        java.util.Arrays.fill(out, (byte) ch);
        return out;
    }

    private String cli(String... args) {
        return cluster.cli(args);
    }

    @Test
    @Order(2)
    void failedGuardAppliesNothing() {
        io.writeFull("guarded", "v1".getBytes(StandardCharsets.UTF_8));
        io.setXattr("guarded", "state", "ready".getBytes(StandardCharsets.UTF_8));
        long version = io.stat("guarded").version();
        ObjectWriteOperation op = new ObjectWriteOperation().cmpXattr("state", CmpOp.CMP_EQ,
                "busy".getBytes(StandardCharsets.UTF_8)).writeFull("v2".getBytes(StandardCharsets.UTF_8))
                .setXattr("state", "done".getBytes(StandardCharsets.UTF_8));
        RadosException e = assertThrows(RadosException.class, () -> io.operate("guarded", op));
        assertEquals(ErrorCode.ECANCELED, e.code());
        assertArrayEquals("v1".getBytes(StandardCharsets.UTF_8), io.read("guarded", 0, 0));
        assertArrayEquals("ready".getBytes(StandardCharsets.UTF_8), io.getXattr("guarded", "state"));
        assertEquals(version, io.stat("guarded").version(), "version unchanged");
        assertThrows(RadosException.Exists.class, () -> io.operate("guarded", new ObjectWriteOperation().create(true)));
    }

    @Test
    @Order(2)
    void compoundOpsSeeEarlierOpsAndGuardsActAsCephs() {
        byte[] v1 = "v1".getBytes(StandardCharsets.UTF_8);
        long created = io.setXattr("semantics", "a", v1);
        assertEquals(io.stat("semantics").version(), created, "the sync form returns the new version");
        // remove then exclusive create in one operation: the create sees the object gone
        long replaced = io.operate("semantics", new ObjectWriteOperation().remove().create(true)
                .writeFull("fresh".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals("fresh".getBytes(StandardCharsets.UTF_8), io.read("semantics", 0, 0));
        assertThrows(RadosException.NoData.class, () -> io.getXattr("semantics", "a"), "the remove took the xattr too");
        // a guard against a missing xattr compares with an empty value
        long guarded = io.operate("semantics", new ObjectWriteOperation()
                .cmpXattr("absent", CmpOp.CMP_NE, "x".getBytes(StandardCharsets.UTF_8)).setXattr("b", v1));
        assertTrue(guarded > replaced);
        assertThrows(RadosException.GuardFailed.class, () -> io.operate("semantics", new ObjectWriteOperation()
                .cmpXattr("absent", CmpOp.CMP_EQ, "x".getBytes(StandardCharsets.UTF_8)).setXattr("c", v1)));
        // omap_clear clears the header as well
        io.operate("semantics", new ObjectWriteOperation().omapSetHeader("hdr".getBytes(StandardCharsets.UTF_8))
                .omapSet(Map.of("k", v1)));
        long cleared = io.operate("semantics", new ObjectWriteOperation().omapClear());
        IoCtx.ReadResult r = io.operate("semantics", new ObjectReadOperation().omapGetHeader());
        assertEquals(0, r.results().get(0).getData().size(), "no header after omap_clear");
        assertTrue(io.omapGetVals("semantics", "", "", 10).isEmpty());
        assertEquals(cleared, r.version());
        long set = io.omapSet("semantics", Map.of("k2", v1));
        assertEquals(io.stat("semantics").version(), set, "the sync omapSet returns the new version");
    }

    @Test
    @Order(3)
    void concurrentWritersGiveASerialOrder() throws Exception {
        int writers = 16;
        int each = 20;
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int me = w;
            all.add(CompletableFuture.runAsync(() -> {
                try (Rados mine = Rados.builder().conf(cluster.conf()).connect()) {
                    IoCtx ctx = mine.ioCtx("data");
                    for (int j = 0; j < each; j++) {
                        ctx.append("shared", String.format("[w%02d-%02d]", me, j).getBytes(StandardCharsets.UTF_8));
                    }
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(300, TimeUnit.SECONDS);
        String content = new String(io.read("shared", 0, 0), StandardCharsets.UTF_8);
        int recordBytes = "[w00-00]".length();
        assertEquals(writers * each * recordBytes, content.length(), "every append landed once, whole");
        Map<Integer, Integer> nextOf = new HashMap<>();
        for (int i = 0; i < content.length(); i += recordBytes) {
            String rec = content.substring(i, i + recordBytes);
            assertTrue(rec.matches("\\[w\\d\\d-\\d\\d\\]"), "record intact: " + rec);
            int w = Integer.parseInt(rec.substring(2, 4));
            int j = Integer.parseInt(rec.substring(5, 7));
            assertEquals(nextOf.getOrDefault(w, 0), j, "writer " + w + "'s appends in its own order");
            nextOf.put(w, j + 1);
        }
    }

    /**
     * {@code osd blocklist add} fences one handle: its writes, reads and listings are refused with
     * Blocklisted (a listing by the OSDs themselves, as the client's own map does not stop one),
     * another handle on the same host is untouched, and after {@code rm} the handle works again.
     */
    @Test
    @Order(4)
    void aBlocklistedHandleIsRefusedItsOpsAndListingsUntilLifted() throws Exception {
        try (Rados fenced = Rados.builder().conf(cluster.conf()).connect(); IoCtx fio = fenced.ioCtx("data")) {
            fio.writeFull("fenced-before", new byte[] {7});
            assertTrue(fio.listObjects(false).hasNext());
            TestCluster.ok(rados.monCommand("osd blocklist add", Map.of("addr", fenced.address())));
            // as an MDS waits for the epoch it blocklisted in: only a map that has the entry fences anything
            Processes.await(() -> fenced.map().isBlocklisted(fenced.address(), System.currentTimeMillis()), 30,
                    "the fenced handle has the blocklisting map");
            // the listing carries that epoch, so the primary answers from a map that fences it
            assertThrows(RadosException.Blocklisted.class, () -> fio.listObjects(false).hasNext());
            assertThrows(RadosException.Blocklisted.class, () -> fio.writeFull("fenced-after", new byte[] {8}));
            assertThrows(RadosException.Blocklisted.class, () -> fio.read("fenced-before", 0, 0));
            assertArrayEquals(new byte[] {7}, io.read("fenced-before", 0, 0), "another handle on this host still works");
            assertThrows(RadosException.NotFound.class, () -> io.read("fenced-after", 0, 0));
            TestCluster.ok(rados.monCommand("osd blocklist rm", Map.of("addr", fenced.address())));
            Processes.await(() -> !fenced.map().isBlocklisted(fenced.address(), System.currentTimeMillis()), 30,
                    "the fenced handle has the lifting map");
            assertTrue(fio.listObjects(false).hasNext());
            fio.writeFull("fenced-after", new byte[] {8});
            assertArrayEquals(new byte[] {8}, io.read("fenced-after", 0, 0));
        }
    }

    @Test
    @Order(4)
    void staleMapIsRedirectedAndBadInputIsRefused() throws Exception {
        OsdMap map = rados.map();
        PgMapping pm = map.mapObject(io.poolId(), "guarded", "");
        int notPrimary = pm.acting().get(1);
        String addr = map.osd(notPrimary).address();
        int colon = addr.lastIndexOf(':');
        ManagedChannel ch = NettyChannelBuilder.forAddress(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)))
                .usePlaintext().build();
        try {
            OsdServiceGrpc.OsdServiceBlockingStub osd = OsdServiceGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS);
            OpReply stale = osd.op(OpRequest.newBuilder().setEpoch(1).setOloc(ObjectLocator.newBuilder()
                    .setPool(io.poolId()).setName("guarded")).addOps(OsdOp.newBuilder().setStat(OpStat.getDefaultInstance()))
                    .build());
            assertEquals(ErrorCode.ESTALE.code(), stale.getCode(), stale.getMessage());
            assertTrue(stale.getEpoch() >= map.epoch(), "the OSD tells the client its newer epoch");
            OpReply unknownPool = osd.op(OpRequest.newBuilder().setEpoch(map.epoch()).setOloc(ObjectLocator.newBuilder()
                    .setPool(999).setName("x")).addOps(OsdOp.newBuilder().setStat(OpStat.getDefaultInstance())).build());
            assertEquals(ErrorCode.ENOENT.code(), unknownPool.getCode());
            OpReply empty = osd.op(OpRequest.newBuilder().setEpoch(map.epoch()).build());
            assertTrue(empty.getCode() != 0, "an empty request is refused: " + empty.getMessage());
        } finally {
            ch.shutdownNow();
        }
        RadosException big = assertThrows(RadosException.class, () -> io.writeFull("too-big", new byte[10 << 20]));
        assertEquals(ErrorCode.EFBIG, big.code());
        assertThrows(RadosException.NotFound.class, () -> rados.ioCtx("no-such-pool"));
        var cs = rados.clusterStats();
        assertTrue(cs.totalBytes() > 0 && cs.availBytes() > 0, "cluster stats: " + cs);
        // a map change moves PGs; the client follows and keeps working
        TestCluster.ok(rados.monCommand("osd reweight", Map.of("id", "0", "weight", "0.5")));
        io.writeFull("after-map-change", new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, io.read("after-map-change", 0, 0));
        TestCluster.ok(rados.monCommand("osd reweight", Map.of("id", "0", "weight", "1")));
    }

    @Test
    @Order(5)
    void minSizeRefusesIoUntilASecondOsdReturns() throws Exception {
        TestCluster.ok(rados.monCommand("osd pool create", Map.of("pool", "ms2", "pg_num", "8", "size", "3", "min_size", "2")));
        assertTrue(cluster.local.awaitPgsActive("ms2", Duration.ofSeconds(60)));
        try (Rados quick = Rados.builder().conf(cluster.conf()).opTimeout(Duration.ofSeconds(5)).connect()) {
            IoCtx ms2 = quick.ioCtx("ms2");
            ms2.writeFull("before", new byte[] {7});
            cluster.local.stop("osd.1", false);
            cluster.local.stop("osd.2", false);
            RadosException refused = assertThrows(RadosException.class, () -> ms2.writeFull("during", new byte[] {8}));
            assertEquals(ErrorCode.ETIMEDOUT, refused.code(), "one OSD up of min_size 2: I/O waits, then times out");
            cluster.local.start("osd.2");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            boolean resumed = false;
            while (!resumed && System.nanoTime() < deadline) {
                try {
                    ms2.writeFull("after", new byte[] {9});
                    resumed = true;
                } catch (RadosException.Timeout stillDown) {
                    // osd.2 is still booting
                }
            }
            assertTrue(resumed, "I/O resumes once a second OSD is back");
            assertArrayEquals(new byte[] {9}, ms2.read("after", 0, 0));
        } finally {
            cluster.local.start("osd.1");
        }
    }

    @Test
    @Order(6)
    void aReturningOsdIsBroughtUpToDate() throws Exception {
        Map<String, byte[]> expected = poolWithObjects(Map.of("pool", "rec", "pg_num", "8", "size", "3", "min_size", "2"),
                "r-", 40, 64 << 10, SEED + 6);
        IoCtx rec = rados.ioCtx("rec");
        cluster.local.stop("osd.2", false);
        for (int i = 0; i < 20; i++) {
            byte[] d = ("v2-" + i).getBytes(StandardCharsets.UTF_8);
            rec.writeFull("r-" + i, d);
            expected.put("r-" + i, d);
        }
        for (int i = 20; i < 25; i++) {
            rec.remove("r-" + i);
            expected.remove("r-" + i);
        }
        for (int i = 0; i < 10; i++) {
            byte[] d = ("new-" + i).getBytes(StandardCharsets.UTF_8);
            rec.writeFull("new-" + i, d);
            expected.put("new-" + i, d);
        }
        // norecover: osd.2 rejoins its PGs but nothing is copied in the background; the PGs say so,
        // and clients are still served, each object they touch copied to where it lacks first
        TestCluster.ok(rados.monCommand("osd set", Map.of("key", "norecover")));
        cluster.local.start("osd.2");
        String stat = "";
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!stat.contains("recovery_wait") && System.nanoTime() < waitUntil) {
            Thread.sleep(300);
            stat = rados.monCommand("pg stat", Map.of()).getOutputPlain();
        }
        assertTrue(stat.contains("active+recovery_wait+degraded") && stat.contains("objects degraded"), stat);
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(expected.get("r-" + i), rec.read("r-" + i, 0, 0), "read while its copy is missing");
            byte[] d = ("v3-" + i).getBytes(StandardCharsets.UTF_8);
            rec.append("r-" + i, d);
            byte[] both = new byte[expected.get("r-" + i).length + d.length];
            System.arraycopy(expected.get("r-" + i), 0, both, 0, expected.get("r-" + i).length);
            System.arraycopy(d, 0, both, expected.get("r-" + i).length, d.length);
            expected.put("r-" + i, both);
            assertArrayEquals(both, rec.read("r-" + i, 0, 0), "an append to an object recovered first lands once");
        }
        TestCluster.ok(rados.monCommand("osd unset", Map.of("key", "norecover")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String missing = "not checked";
        while (System.nanoTime() < deadline) {
            missing = firstDifference(rec, expected);
            if (missing == null) {
                break;
            }
            Thread.sleep(500);
        }
        assertEquals(null, missing, "every member, osd.2 included, holds exactly the newest objects");
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), rec.read(e.getKey(), 0, 0));
        }
    }

    @Test
    @Order(7)
    void pgsMovedToOsdsThatNeverHeldThemAreFoundThroughTheirPastIntervals() throws Exception {
        // size 1: a PG that moves lands on an OSD with nothing; only the old one, no longer acting, has it
        Map<String, byte[]> expected = poolWithObjects(Map.of("pool", "moved", "pg_num", "16", "pgp_num", "2",
                "size", "1", "min_size", "1"), "m-", 60, 32 << 10, SEED + 7);
        IoCtx moved = rados.ioCtx("moved");
        OsdMap before = rados.map();
        TestCluster.ok(rados.monCommand("osd pool set", Map.of("pool", "moved", "var", "pgp_num", "val", "16")));
        OsdMap after = rados.map();
        for (int i = 0; i < 100 && after.pool("moved").pgpNum() != 16; i++) {
            Thread.sleep(100);
            after = rados.map();
        }
        int relocated = 0;
        for (String name : expected.keySet()) {
            if (before.mapObject(moved.poolId(), name, "").actingPrimary()
                    != after.mapObject(moved.poolId(), name, "").actingPrimary()) {
                relocated++;
            }
        }
        assertTrue(relocated > 0, "pgp_num 2 -> 16 moves some objects to another OSD");
        assertTrue(cluster.local.awaitPgsActive("moved", Duration.ofSeconds(90)));
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), moved.read(e.getKey(), 0, 0), e.getKey() + " read back after the move");
            int primary = rados.map().mapObject(moved.poolId(), e.getKey(), "").actingPrimary();
            AdminReadReply a = adminRead(rados.map().osd(primary).address(), moved.poolId(), e.getKey());
            assertEquals(0, a.getCode(), e.getKey() + " is on its new OSD, osd." + primary);
            assertArrayEquals(e.getValue(), a.getData().toByteArray());
        }
        // once the PGs are clean where they are now, the OSDs that held them before delete their stray copies
        List<String> strays = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        do {
            strays.clear();
            for (String name : expected.keySet()) {
                int old = before.mapObject(moved.poolId(), name, "").actingPrimary();
                if (old != after.mapObject(moved.poolId(), name, "").actingPrimary()
                        && adminRead(rados.map().osd(old).address(), moved.poolId(), name).getCode() == 0) {
                    strays.add(name + " on osd." + old);
                }
            }
            if (!strays.isEmpty()) {
                Thread.sleep(500);
            }
        } while (!strays.isEmpty() && System.nanoTime() < deadline);
        assertEquals(List.of(), strays, "stray copies removed");
        System.out.println("OsdDataPathIT: " + relocated + " of " + expected.size() + " objects moved to another OSD");
    }

    @Test
    @Order(8)
    void anOsdAwayLongerThanTheLogCoversIsBackfilledWhileThePgServes() throws Exception {
        TestCluster.ok(rados.monCommand("osd pool create", Map.of("pool", "bf", "pg_num", "1", "size", "3", "min_size", "2")));
        assertTrue(cluster.local.awaitPgsActive("bf", Duration.ofSeconds(60)));
        IoCtx bf = rados.ioCtx("bf");
        Map<String, byte[]> expected = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            byte[] d = ("first-" + i).getBytes(StandardCharsets.UTF_8);
            bf.writeFull("b-" + i, d);
            expected.put("b-" + i, d);
        }
        cluster.local.stop("osd.2", false);
        // more writes than the PG log keeps (3000): osd.2's history falls off its tail
        for (int round = 0; round < 65; round++) {
            List<CompletableFuture<Long>> writes = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                byte[] d = ("r" + round + "-" + i).getBytes(StandardCharsets.UTF_8);
                writes.add(bf.writeFullAsync("b-" + i, d));
                expected.put("b-" + i, d);
            }
            CompletableFuture.allOf(writes.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
        }
        bf.remove("b-7");
        expected.remove("b-7");
        TestCluster.ok(rados.monCommand("osd set", Map.of("key", "nobackfill")));
        cluster.local.start("osd.2");
        String stat = "";
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!stat.contains("backfill_wait") && System.nanoTime() < waitUntil) {
            Thread.sleep(300);
            stat = rados.monCommand("pg stat", Map.of()).getOutputPlain();
        }
        // a pg_temp keeps the PG on the two full copies while osd.2 waits to be backfilled
        assertTrue(stat.contains("active+undersized+degraded+remapped+backfill_wait"), stat);
        byte[] during = "written while backfill waits".getBytes(StandardCharsets.UTF_8);
        bf.writeFull("b-3", during);
        expected.put("b-3", during);
        assertArrayEquals(during, bf.read("b-3", 0, 0));
        TestCluster.ok(rados.monCommand("osd unset", Map.of("key", "nobackfill")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String different = "not checked";
        while (System.nanoTime() < deadline) {
            different = firstDifference(bf, expected, "b-", 50);
            if (different == null) {
                break;
            }
            Thread.sleep(500);
        }
        assertEquals(null, different, "every member, osd.2 included, holds exactly the newest objects");
    }

    @Test
    @Order(9)
    void raisingPgNumSplitsPgsInPlaceAndRaisingPgpNumThenMovesThem() throws Exception {
        Map<String, byte[]> expected = poolWithObjects(Map.of("pool", "split", "pg_num", "4", "size", "3", "min_size", "2"),
                "s-", 80, 16 << 10, SEED + 9);
        IoCtx sp = rados.ioCtx("split");
        TestCluster.ok(rados.monCommand("osd pool set", Map.of("pool", "split", "var", "pg_num", "val", "16")));
        assertTrue(cluster.local.awaitPgsActive("split", Duration.ofSeconds(90)));
        assertEquals(16, rados.map().pool("split").pgNum());
        for (int i = 0; i < 80; i += 2) {
            // a resend or a new write lands in the new PG, on top of the copy the split moved there
            byte[] tail = ("+" + i).getBytes(StandardCharsets.UTF_8);
            sp.append("s-" + i, tail);
            byte[] both = java.util.Arrays.copyOf(expected.get("s-" + i), expected.get("s-" + i).length + tail.length);
            System.arraycopy(tail, 0, both, expected.get("s-" + i).length, tail.length);
            expected.put("s-" + i, both);
        }
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), sp.read(e.getKey(), 0, 0), e.getKey() + " after the split");
        }
        assertEquals(null, firstDifference(sp, expected, "s-", 80), "every member split its copy the same way");
        TestCluster.ok(rados.monCommand("osd pool set", Map.of("pool", "split", "var", "pgp_num", "val", "16")));
        assertTrue(cluster.local.awaitPgsActive("split", Duration.ofSeconds(90)));
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), sp.read(e.getKey(), 0, 0), e.getKey() + " after pgp_num 16");
        }
        assertEquals(null, firstDifference(sp, expected, "s-", 80));
    }

    /**
     * Creates a pool, waits until its PGs are active, and writes {@code prefix}0..{@code count - 1}
     * with random contents of up to {@code maxBytes}; returns them by name.
     */
    private Map<String, byte[]> poolWithObjects(Map<String, String> create, String prefix, int count, int maxBytes,
                                                long seed) throws Exception {
        TestCluster.ok(rados.monCommand("osd pool create", create));
        assertTrue(cluster.local.awaitPgsActive(create.get("pool"), Duration.ofSeconds(60)));
        IoCtx io = rados.ioCtx(create.get("pool"));
        Map<String, byte[]> written = new HashMap<>();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            byte[] d = new byte[r.nextInt(maxBytes)];
            r.nextBytes(d);
            io.writeFull(prefix + i, d);
            written.put(prefix + i, d);
        }
        return written;
    }

    /** The first object whose copies differ from what was written (or a removed one still there), or null. */
    private String firstDifference(IoCtx pool, Map<String, byte[]> expected) {
        String d = firstDifference(pool, expected, "r-", 40);
        return d != null ? d : firstDifference(pool, expected, "new-", 10);
    }

    /** The first of {@code prefix}0..{@code count - 1} whose copy on a member differs from {@code expected}, or null. */
    private String firstDifference(IoCtx pool, Map<String, byte[]> expected, String prefix, int count) {
        OsdMap map = rados.map();
        if (!map.isUp(2)) {
            return "osd.2 not up yet";
        }
        for (int osd = 0; osd < 3; osd++) {
            String addr = map.osd(osd).address();
            for (int i = 0; i < count; i++) {
                String name = prefix + i;
                if (!check(map, pool, osd, addr, name, expected.get(name))) {
                    return name + " on osd." + osd;
                }
            }
        }
        return null;
    }

    private boolean check(OsdMap map, IoCtx pool, int osd, String addr, String name, byte[] want) {
        PgMapping pm = map.mapObject(pool.poolId(), name, "");
        if (!pm.acting().contains(osd)) {
            return true;
        }
        try {
            AdminReadReply a = adminRead(addr, pool.poolId(), name);
            return want == null ? a.getCode() == ErrorCode.ENOENT.code()
                    : a.getCode() == 0 && java.util.Arrays.equals(want, a.getData().toByteArray());
        } catch (io.grpc.StatusRuntimeException e) {
            return false;
        }
    }
}
