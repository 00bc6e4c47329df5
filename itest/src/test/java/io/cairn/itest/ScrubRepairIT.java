package io.cairn.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.IoCtx;
import io.cairn.client.Rados;
import io.cairn.common.cli.Json;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Placement;
import io.cairn.proto.v1.AdminReadReply;
import io.cairn.proto.v1.AdminReadRequest;
import io.cairn.proto.v1.ObjectLocator;
import io.cairn.proto.v1.OsdServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Scrub finds what changed behind the cluster's back and repair puts it right: a replica's bytes
 * replaced with {@code objectstore set-bytes} (deep scrub), a byte flipped in a replica's block
 * file (the store's own checksum fails), an object removed from a replica (shallow scrub); a read
 * of a primary copy that fails its checksum is repaired on the spot; then a drive whose copies
 * keep going bad is marked out. One pool with one PG of size 3 on 3 OSDs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScrubRepairIT {
    private static final String CONF = """

            [global]
            rados_osd_op_timeout = 60
            osd_mon_report_interval = 1
            # the last test takes a drive out after its third repaired copy; 2 of 3 OSDs in is enough
            mon_osd_warn_num_repaired = 3
            mon_osd_min_in_ratio = 0.5
            """;
    private static final Duration WAIT = Duration.ofSeconds(90);

    private TestCluster cluster;
    private Rados rados;
    private IoCtx io;
    private PgId pg;
    private List<Integer> acting;
    private final Map<String, byte[]> written = new java.util.HashMap<>();

    @BeforeAll
    void startCluster() throws Exception {
        cluster = TestCluster.start(1, 3, 256L << 20, CONF);
        rados = Rados.builder().conf(cluster.conf()).connect();
        TestCluster.ok(rados.monCommand("osd pool create", Map.of("pool", "scrub", "pg_num", "1", "size", "3",
                "min_size", "2")));
        assertTrue(cluster.local.awaitPgsActive("scrub", WAIT));
        io = rados.ioCtx("scrub");
        Random r = new Random(42);
        for (int i = 0; i < 40; i++) {
            byte[] data = new byte[16_384 + r.nextInt(65_536)];
            r.nextBytes(data);
            write("obj-" + i, data);
        }
        io.setXattr("obj-0", "owner", "scrub-test".getBytes());
        io.omapSet("obj-0", Map.of("k", "v".getBytes()));
        OsdMap map = rados.map();
        pg = Placement.objectPg(map.pool("scrub"), "obj-0", "", "");
        PgMapping pm = map.mapPg(pg);
        acting = pm.acting();
        assertEquals(3, acting.size());
        awaitState(s -> s.equals("active+clean"));
    }

    @AfterAll
    void stopCluster() throws IOException {
        if (rados != null) {
            rados.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void write(String name, byte[] data) {
        io.writeFull(name, data);
        written.put(name, data);
    }

    @Test
    @Order(1)
    void deepScrubFindsAReplicaChangedWithSetBytesAndRepairRewritesIt() throws Exception {
        int replica = acting.get(1);
        byte[] bad = "changed behind the cluster's back".getBytes();
        Path in = Files.createTempFile("bad", ".bin");
        Files.write(in, bad);
        offline(replica, "objectstore", "set-bytes", "--path", osdDir(replica).toString(), "--pgid", pg.toString(),
                "--object", "obj-3", "--in", in.toString());
        awaitState(s -> s.equals("active+clean"));
        assertEquals("HEALTH_OK", health());

        cli("pg", "deep-scrub", pg.toString());
        // client writes to the PG go on while it is scrubbed: held only while their chunk is compared
        List<CompletableFuture<Long>> writes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] data = ("during scrub " + i).getBytes();
            writes.add(io.writeFullAsync("during-" + i, data));
            written.put("during-" + i, data);
        }
        CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
        awaitState(s -> s.equals("active+clean+inconsistent"));

        @SuppressWarnings("unchecked")
        Map<String, Object> health = (Map<String, Object>) Json.parse(cli("--format", "json", "health", "detail"));
        assertEquals("HEALTH_ERR", health.get("status"));
        @SuppressWarnings("unchecked")
        Map<String, Object> checks = (Map<String, Object>) health.get("checks");
        assertTrue(checks.keySet().containsAll(List.of("PG_DAMAGED", "OSD_SCRUB_ERRORS")), checks.toString());
        String detail = cli("health", "detail");
        assertTrue(detail.startsWith("HEALTH_ERR 1 scrub errors; Possible data damage: 1 pg inconsistent"), detail);
        assertTrue(detail.contains("pg " + pg + " is active+clean+inconsistent, acting " + acting), detail);

        assertEquals(List.of(pg.toString()), Json.parse(cli("rados", "list-inconsistent-pg", "scrub")));
        Map<String, Object> obj = onlyInconsistent();
        assertEquals("obj-3", ((Map<?, ?>) obj.get("object")).get("name"));
        assertEquals(List.of("data_digest_mismatch", "size_mismatch"), sorted(obj.get("errors")));
        Map<?, ?> bad0 = shard(obj, replica);
        assertEquals(List.of("data_digest_mismatch", "size_mismatch"), sorted(bad0.get("errors")));
        assertEquals((long) bad.length, ((Number) bad0.get("size")).longValue());
        for (int osd : acting) {
            if (osd != replica) {
                assertEquals(List.of(), shard(obj, osd).get("errors"), "osd." + osd + "'s copy is good");
            }
        }

        // muted checks no longer set the status; non-sticky mutes end once their checks clear
        cli("health", "mute", "OSD_SCRUB_ERRORS");
        assertTrue(health().startsWith("HEALTH_ERR Possible data damage: 1 pg inconsistent (muted: OSD_SCRUB_ERRORS)"),
                health());
        cli("health", "mute", "PG_DAMAGED", "1h");
        assertEquals("HEALTH_OK (muted: OSD_SCRUB_ERRORS PG_DAMAGED)", health());

        cli("pg", "repair", pg.toString());
        awaitState(s -> s.equals("active+clean"));
        assertEquals("HEALTH_OK", health());
        assertEveryCopyIsRight();
        awaitLog("Health check cleared: PG_DAMAGED");
        String log = cli("log", "last", "100");
        for (String line : List.of("[ERR] " + pg + " shard osd." + replica + " obj-3 : data_digest_mismatch, size_mismatch",
                "[ERR] " + pg + " deep-scrub 1 errors", "[ERR] Health check failed: 1 scrub errors (OSD_SCRUB_ERRORS)",
                "[ERR] " + pg + " repair 1 errors, 1 fixed", "[WRN] osd." + replica + " marked itself down")) {
            assertTrue(log.contains(line), line + " in\n" + log);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> h = (Map<String, Object>) Json.parse(cli("--format", "json", "health"));
        assertEquals(List.of(), h.get("mutes"), "the leader ended the mutes once their checks cleared");
        String watched = cli("-w", "--watch-seconds", "2");
        assertTrue(watched.contains("health: HEALTH_OK") && watched.contains(pg + " repair 1 errors, 1 fixed"), watched);
    }

    private void awaitLog(String text) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String log = cli("log", "last", "1000");
        while (!log.contains(text)) {
            assertTrue(System.nanoTime() < deadline, "cluster log has '" + text + "':\n" + log);
            Thread.sleep(300);
            log = cli("log", "last", "1000");
        }
    }

    @Test
    @Order(2)
    void deepScrubFindsABitFlippedInAReplicasBlockFileAndRepairsIt() throws Exception {
        int replica = acting.get(2);
        byte[] data = new byte[200_000];
        new Random(7).nextBytes(data);
        write("flip-me", data);
        assertEquals(pg, Placement.objectPg(rados.map().pool("scrub"), "flip-me", "", ""));
        offline(replica, () -> flipByteOf(osdDir(replica).resolve("store").resolve("block"),
                java.util.Arrays.copyOfRange(data, 65_536, 65_600)));
        awaitState(s -> s.equals("active+clean"));

        cli("pg", "deep-scrub", pg.toString());
        awaitState(s -> s.equals("active+clean+inconsistent"));
        Map<String, Object> obj = onlyInconsistent();
        assertEquals("flip-me", ((Map<?, ?>) obj.get("object")).get("name"));
        assertEquals(List.of("read_error"), sorted(obj.get("union_shard_errors")));
        assertEquals(List.of("read_error"), sorted(shard(obj, replica).get("errors")));
        assertTrue(((Number) ((Map<?, ?>) obj.get("selected_object_info")).get("osd")).intValue() != replica,
                "a copy that fails its own checksum is never the authoritative one");

        cli("pg", "repair", pg.toString());
        awaitState(s -> s.equals("active+clean"));
        assertEquals("HEALTH_OK", health());
        assertEveryCopyIsRight();
    }

    @Test
    @Order(3)
    void aReadOfABitFlippedPrimaryCopyIsAnsweredAndRepairedFromAReplica() throws Exception {
        int primary = acting.get(0);
        byte[] data = new byte[150_000];
        new Random(11).nextBytes(data);
        write("read-me", data);
        assertEquals(pg, Placement.objectPg(rados.map().pool("scrub"), "read-me", "", ""));
        offline(primary, () -> flipByteOf(osdDir(primary).resolve("store").resolve("block"),
                java.util.Arrays.copyOfRange(data, 70_000, 70_064)));
        awaitState(s -> s.equals("active+clean"));
        // the primary's own copy fails its checksum: the client still gets the right bytes
        assertArrayEquals(data, io.read("read-me", 0, 0));
        AdminReadReply own = adminRead(rados.map().osd(primary).address(), "read-me");
        assertEquals(0, own.getCode(), "the primary's copy reads clean again");
        assertArrayEquals(data, own.getData().toByteArray());
        awaitLog(pg + " read-me : read error on osd." + primary);
        // nothing left for a deep scrub to find
        String before = deepScrubStamp();
        cli("pg", "deep-scrub", pg.toString());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (deepScrubStamp().equals(before)) {
            assertTrue(System.nanoTime() < deadline, "the deep scrub finished");
            Thread.sleep(300);
        }
        awaitState(s -> s.equals("active+clean"));
        assertEquals("HEALTH_OK", health());
        assertEveryCopyIsRight();
    }

    private String deepScrubStamp() {
        return String.valueOf(((Map<?, ?>) ((Map<?, ?>) Json.parse(cli("pg", pg.toString(), "query")))
                .get("scrubber")).get("last_deep_scrub_stamp"));
    }

    @Test
    @Order(4)
    void aShallowScrubFindsAnObjectMissingFromAReplica() throws Exception {
        int replica = acting.get(2);
        offline(replica, "objectstore", "remove", "--path", osdDir(replica).toString(), "--pgid", pg.toString(),
                "--object", "obj-7");
        awaitState(s -> s.equals("active+clean"));
        cli("pg", "scrub", pg.toString());
        awaitState(s -> s.equals("active+clean+inconsistent"));
        Map<String, Object> obj = onlyInconsistent();
        assertEquals("obj-7", ((Map<?, ?>) obj.get("object")).get("name"));
        assertEquals(List.of("missing"), sorted(shard(obj, replica).get("errors")));
        assertEquals(List.of(), obj.get("errors"), "the copies that exist agree");

        cli("pg", "repair", pg.toString());
        awaitState(s -> s.equals("active+clean"));
        assertEveryCopyIsRight();
        assertEquals("HEALTH_OK", health());

        // the PG as its primary sees it, in Ceph's word order and in Cairn's
        @SuppressWarnings("unchecked")
        Map<String, Object> q = (Map<String, Object>) Json.parse(cli("pg", pg.toString(), "query"));
        assertEquals("active+clean", q.get("state"));
        assertEquals(acting, ((List<?>) q.get("acting")).stream().map(o -> ((Number) o).intValue()).toList());
        assertEquals(pg.toString(), ((Map<?, ?>) q.get("info")).get("pgid"));
        assertEquals(0L, ((Number) ((Map<?, ?>) q.get("scrubber")).get("scrub_errors")).longValue());
        assertEquals(q.get("up"), ((Map<?, ?>) Json.parse(cli("pg", "query", pg.toString()))).get("up"));
        String df = cli("osd", "df");
        assertTrue(df.contains("TOTAL") && df.contains("MIN/MAX VAR"), df);
    }

    @Test
    @Order(5)
    void aDriveWhoseCopiesKeepGoingBadIsNamedAndMarkedOut() throws Exception {
        // acting[1] had one copy repaired in the first test; two more reach mon_osd_warn_num_repaired (3)
        int replica = acting.get(1);
        Path in = Files.createTempFile("bad", ".bin");
        Files.write(in, "rot".getBytes());
        offline(replica, "objectstore", "set-bytes", "--path", osdDir(replica).toString(), "--pgid", pg.toString(),
                "--object", "obj-10", "--in", in.toString());
        offline(replica, "objectstore", "set-bytes", "--path", osdDir(replica).toString(), "--pgid", pg.toString(),
                "--object", "obj-11", "--in", in.toString());
        awaitState(s -> s.equals("active+clean"));
        cli("pg", "repair", pg.toString());
        String detail = "";
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!detail.contains("OSD_TOO_MANY_REPAIRS") && System.nanoTime() < deadline) {
            Thread.sleep(500);
            detail = cli("health", "detail");
        }
        assertTrue(detail.contains("[WRN] OSD_TOO_MANY_REPAIRS: Too many repaired reads on 1 OSDs"), detail);
        assertTrue(detail.contains("osd." + replica + " had 3 reads repaired"), detail);
        // osd_scrub_auto_out_on_errors: out, so CRUSH moves its data elsewhere
        deadline = System.nanoTime() + WAIT.toNanos();
        while (rados.map().osd(replica).in() && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertTrue(!rados.map().osd(replica).in(), "osd." + replica + " was marked out");
        awaitLog("osd." + replica + " marked out (3 copies repaired, osd_scrub_auto_out_on_errors)");
        assertArrayEquals(written.get("obj-10"), io.read("obj-10", 0, 0));
        assertArrayEquals(written.get("obj-11"), io.read("obj-11", 0, 0));
    }

    /** Stops the OSD, runs the tool on its store, starts it again. */
    private void offline(int osd, String... tool) throws Exception {
        offline(osd, () -> cli(tool));
    }

    private interface Offline {
        void run() throws IOException;
    }

    /** Stops the OSD, changes its store, starts it again and waits until the map has it up. */
    private void offline(int osd, Offline change) throws Exception {
        cluster.local.stop("osd." + osd, false);
        change.run();
        cluster.local.start("osd." + osd);
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (var mon = cluster.client()) {
            while (!mon.getMap(0).isUp(osd)) {
                assertTrue(System.nanoTime() < deadline, "osd." + osd + " came back up");
                Thread.sleep(300);
            }
        }
    }

    private Path osdDir(int osd) {
        return cluster.local.dir().resolve("osd." + osd);
    }

    private String cli(String... args) {
        return cluster.cli(args);
    }

    private String health() {
        return cli("health").strip();
    }

    private String pgState() {
        @SuppressWarnings("unchecked")
        Map<String, Object> ls = (Map<String, Object>) Json.parse(cli("--format", "json", "pg", "ls-by-pool", "scrub"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> pgs = (List<Map<String, Object>>) ls.get("pg_stats");
        return pgs.stream().filter(m -> m.get("pgid").equals(pg.toString())).map(m -> (String) m.get("state"))
                .findFirst().orElse("");
    }

    private void awaitState(Predicate<String> wanted) throws InterruptedException {
        String state = "";
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            state = pgState();
            if (wanted.test(state)) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("pg " + pg + " stayed " + state);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> onlyInconsistent() {
        Map<String, Object> r = (Map<String, Object>) Json.parse(cli("rados", "list-inconsistent-obj", pg.toString()));
        List<Map<String, Object>> list = (List<Map<String, Object>>) r.get("inconsistents");
        assertEquals(1, list.size(), r.toString());
        return list.get(0);
    }

    private static Map<?, ?> shard(Map<String, Object> obj, int osd) {
        return ((List<?>) obj.get("shards")).stream().map(s -> (Map<?, ?>) s)
                .filter(s -> ((Number) s.get("osd")).intValue() == osd).findFirst().orElseThrow();
    }

    private static List<String> sorted(Object list) {
        return ((List<?>) list).stream().map(Object::toString).sorted().toList();
    }

    /** Every object written reads back byte for byte from each member's own store. */
    private void assertEveryCopyIsRight() {
        OsdMap map = rados.map();
        for (int osd : map.mapPg(pg).acting()) {
            for (Map.Entry<String, byte[]> e : written.entrySet()) {
                AdminReadReply r = adminRead(map.osd(osd).address(), e.getKey());
                assertEquals(0, r.getCode(), e.getKey() + " on osd." + osd);
                assertArrayEquals(e.getValue(), r.getData().toByteArray(), e.getKey() + " on osd." + osd);
            }
        }
    }

    private AdminReadReply adminRead(String address, String name) {
        int colon = address.lastIndexOf(':');
        ManagedChannel ch = NettyChannelBuilder.forAddress(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1))).usePlaintext().maxInboundMessageSize(64 << 20).build();
        try {
            return OsdServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS).adminRead(
                    AdminReadRequest.newBuilder().setOloc(ObjectLocator.newBuilder().setPool(io.poolId()).setName(name))
                            .build());
        } finally {
            ch.shutdownNow();
        }
    }

    /** Flips one byte where {@code pattern} sits in the stopped OSD's block file. */
    private static void flipByteOf(Path blockFile, byte[] pattern) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(blockFile.toFile(), "rw"); FileChannel ch = raf.getChannel()) {
            long size = ch.size();
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            for (long base = 0; base < size; base += buf.capacity() - pattern.length) {
                buf.clear();
                int n = ch.read(buf, base);
                if (n <= 0) {
                    break;
                }
                byte[] a = buf.array();
                outer:
                for (int i = 0; i + pattern.length <= n; i++) {
                    for (int j = 0; j < pattern.length; j++) {
                        if (a[i + j] != pattern[j]) {
                            continue outer;
                        }
                    }
                    ByteBuffer one = ByteBuffer.wrap(new byte[] {(byte) (pattern[10] ^ 0x5a)});
                    ch.write(one, base + i + 10);
                    ch.force(true);
                    return;
                }
            }
        }
        throw new AssertionError("the object's bytes were not found in " + blockFile);
    }
}
