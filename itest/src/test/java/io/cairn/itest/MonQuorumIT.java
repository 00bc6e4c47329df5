package io.cairn.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.cli.CairnMain;
import io.cairn.common.mon.MonClient;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.Pool;
import io.cairn.proto.v1.CommandReply;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/** Three monitor processes on loopback: concurrency, leader loss, catch-up, bad input, metrics, disk use. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonQuorumIT {
    private TestCluster cluster;

    @BeforeAll
    void up() throws IOException {
        // small snapshot threshold and log preservation so the 10,000-change run exercises trim and purge
        cluster = TestCluster.start(3, "\n[mon]\nmon_raft_snapshot_threshold = 500\nmon_raft_log_preserve = 200\n");
    }

    @AfterAll
    void down() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void concurrentPoolCommandsKeepEveryUpdate() throws Exception {
        int clients = 4;
        int poolsPerClient = 25;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<List<Integer>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < clients; t++) {
                int client = t;
                results.add(pool.submit(() -> {
                    List<Integer> epochs = new ArrayList<>();
                    try (MonClient mon = cluster.client()) {
                        for (int j = 0; j < poolsPerClient; j++) {
                            String name = "c" + client + "p" + j;
                            epochs.add(TestCluster.ok(mon.command("osd pool create", Map.of("pool", name, "pg_num", "8")))
                                    .getEpoch());
                            epochs.add(TestCluster.ok(mon.command("osd pool set",
                                    Map.of("pool", name, "var", "size", "val", "2"))).getEpoch());
                        }
                    }
                    return epochs;
                }));
            }
            Set<Integer> allEpochs = new HashSet<>();
            for (Future<List<Integer>> f : results) {
                List<Integer> epochs = f.get(180, TimeUnit.SECONDS);
                for (int i = 1; i < epochs.size(); i++) {
                    // a command resent after a lost reply is applied as a no-op and reports the epoch as is
                    assertTrue(epochs.get(i) >= epochs.get(i - 1), "one client's epochs never go back: " + epochs);
                }
                allEpochs.addAll(epochs);
            }
            // nearly every command made its own epoch (resends after lost replies may share one)
            assertTrue(allEpochs.size() >= clients * poolsPerClient * 2 * 9 / 10, "distinct epochs " + allEpochs.size());
        } finally {
            pool.shutdownNow();
        }
        try (MonClient mon = cluster.client()) {
            OsdMap map = mon.getMap(0);
            assertEquals(clients * poolsPerClient, map.pools().size(), "no lost creates");
            Set<Long> ids = new HashSet<>();
            for (Pool p : map.pools().values()) {
                assertTrue(ids.add(p.id()));
                assertEquals(2, p.size(), "no lost update on " + p.name());
            }
        }
    }

    private String leader(MonClient mon) {
        String json = TestCluster.ok(mon.command("quorum_status", Map.of())).getOutputJson();
        int at = json.indexOf("\"quorum_leader_name\":\"") + "\"quorum_leader_name\":\"".length();
        return json.substring(at, json.indexOf('"', at));
    }

    @Test
    @Order(2)
    void killingTheLeaderElectsAnotherAndRestartCatchesUp() throws Exception {
        String leader;
        try (MonClient mon = cluster.client()) {
            leader = leader(mon);
        }
        int rank = leader.charAt(0) - 'a';
        assertTrue(cluster.local.stop("mon." + leader, true), "killed mon." + leader);
        long killedAt = System.nanoTime();
        int epoch;
        try (MonClient mon = cluster.client()) {
            epoch = TestCluster.ok(mon.command("osd pool create", Map.of("pool", "after-kill", "pg_num", "8"))).getEpoch();
            double seconds = (System.nanoTime() - killedAt) / 1e9;
            System.out.printf("new leader committed %.2f s after kill -9 of mon.%s%n", seconds, leader);
            assertTrue(seconds < 10, "a new leader commits within 10 s, took " + seconds);
            assertTrue(!leader.equals(leader(mon)), "leadership moved");
        }
        StringWriter out = new StringWriter();
        int code = CairnMain.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "-c", cluster.conf().toString(),
                "status");
        assertEquals(0, code, "the CLI keeps working");
        assertTrue(out.toString().contains("quorum"), out.toString());
        cluster.local.start("mon." + leader);
        try (MonClient own = cluster.clientOf(rank)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int seen = 0;
            while (System.nanoTime() < deadline) {
                try {
                    seen = own.getMap(0).epoch();
                    if (seen >= epoch) {
                        break;
                    }
                } catch (RuntimeException notYet) {
                    // still starting
                }
                Thread.sleep(250);
            }
            assertTrue(seen >= epoch, "restarted mon." + leader + " caught up to epoch " + epoch + ", has " + seen);
        }
    }

    @Test
    @Order(3)
    void subscribersGetEveryNewEpochInOrder() throws Exception {
        try (MonClient mon = cluster.client(); MonClient sub = cluster.clientOf(1)) {
            int start = mon.getMap(0).epoch();
            java.util.concurrent.BlockingQueue<Integer> epochs = new java.util.concurrent.LinkedBlockingQueue<>();
            sub.subscribe(start, new io.grpc.stub.StreamObserver<>() {
                @Override
                public void onNext(io.cairn.proto.v1.MapUpdate u) {
                    if (u.hasFull()) {
                        epochs.add(u.getFull().getEpoch());
                    }
                    u.getIncrementalsList().forEach(i -> epochs.add(i.getEpoch()));
                }

                @Override
                public void onError(Throwable t) {
                    epochs.add(-1);
                }

                @Override
                public void onCompleted() {
                }
            });
            for (int i = 0; i < 5; i++) {
                TestCluster.ok(mon.command("osd pool create", Map.of("pool", "sub" + i, "pg_num", "8")));
            }
            for (int e = start + 1; e <= start + 5; e++) {
                Integer got = epochs.poll(10, TimeUnit.SECONDS);
                assertEquals(e, got, "subscriber sees epoch " + e + " next");
            }
        }
    }

    @Test
    @Order(4)
    void badInputGetsClearErrorsAndChangesNothing() throws Exception {
        try (MonClient mon = cluster.client()) {
            TestCluster.ok(mon.command("osd pool create", Map.of("pool", "victim", "pg_num", "16")));
            int before = mon.getMap(0).epoch();
            expect(mon, ErrorCode.ENOENT, "osd pool set", Map.of("pool", "nope", "var", "size", "val", "2"));
            expect(mon, ErrorCode.EINVAL, "osd pool set", Map.of("pool", "victim", "var", "size", "val", "0"));
            expect(mon, ErrorCode.EINVAL, "osd pool set", Map.of("pool", "victim", "var", "size", "val", "11"));
            expect(mon, ErrorCode.EINVAL, "osd pool set", Map.of("pool", "victim", "var", "min_size", "val", "5"));
            expect(mon, ErrorCode.EINVAL, "osd pool set", Map.of("pool", "victim", "var", "pg_num", "val", "8"));
            expect(mon, ErrorCode.EINVAL, "osd crush add-bucket", Map.of("name", "h9", "type", "host", "args", "rack=r1 galaxy=g"));
            expect(mon, ErrorCode.ENOENT, "osd crush move", Map.of("name", "nowhere", "args", "root=default"));
            expect(mon, ErrorCode.EPERM, "osd pool rm", Map.of("pool", "victim", "pool2", "victim"));
            expect(mon, ErrorCode.EINVAL, "osd frobnicate", Map.of());
            expect(mon, ErrorCode.EPERM, "osd boot", Map.of("id", "0"));
            TestCluster.ok(mon.command("osd create", Map.of()));
            int afterCreate = mon.getMap(0).epoch();
            expect(mon, ErrorCode.EINVAL, "osd crush add", Map.of("name", "osd.0", "weight", "-2", "args", "host=x"));
            expect(mon, ErrorCode.EINVAL, "osd crush add", Map.of("name", "osd.0", "weight", "NaN", "args", "host=x"));
            assertEquals(before + 1, afterCreate);
            assertEquals(afterCreate, mon.getMap(0).epoch(), "refused commands leave the map alone");
        }
        // malformed request bytes straight onto the wire: an error status, and the monitor serves on
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", cluster.basePort).usePlaintext().build();
        try {
            MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("cairn.v1.MonService/Command")
                    .setRequestMarshaller(new Bytes()).setResponseMarshaller(new Bytes()).build();
            try {
                ClientCalls.blockingUnaryCall(ch, raw, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS),
                        new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x02, (byte) 0x80});
                throw new AssertionError("garbage must be refused");
            } catch (StatusRuntimeException expected) {
                System.out.println("malformed request -> " + expected.getStatus());
            }
        } finally {
            ch.shutdownNow();
        }
        try (MonClient mon = cluster.client()) {
            TestCluster.ok(mon.command("status", Map.of()));
        }
    }

    private static void expect(MonClient mon, ErrorCode code, String prefix, Map<String, String> args) {
        CommandReply r = mon.command(prefix, args);
        assertEquals(code.code(), r.getCode(), prefix + " " + args + " -> " + r.getMessage());
        assertTrue(!r.getMessage().isBlank(), "an error says why");
    }

    /** Passes bytes through unparsed, to send what a broken client would. */
    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    @Order(5)
    void metricsShowRaftAndMapState() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int rank = 0; rank < 3; rank++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + (cluster.basePort + rank + 2000) + "/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            for (String name : List.of("cairn_mon_raft_term", "cairn_mon_raft_commit_index", "cairn_mon_osdmap_epoch",
                    "cairn_mon_command_latency_seconds_count")) {
                assertTrue(r.body().contains(name), "mon rank " + rank + " exports " + name);
            }
        }
    }

    @Test
    @Order(6)
    void tenThousandMapChangesKeepDiskUseBounded() throws Exception {
        int changes = 10_000;
        int threads = 8;
        long before = cluster.dirBytes("mon.a") + cluster.dirBytes("mon.b") + cluster.dirBytes("mon.c");
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                fs.add(pool.submit(() -> {
                    try (MonClient mon = cluster.client()) {
                        for (int i = me; i < changes; i += threads) {
                            // each thread flips min_size of its own pool (size 2): every command is a new epoch
                            TestCluster.ok(mon.command("osd pool set", Map.of("pool", "c" + me % 4 + "p" + me,
                                    "var", "min_size", "val", Integer.toString(1 + (i / threads) % 2))));
                            done.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(600, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(3000);
        long after = cluster.dirBytes("mon.a") + cluster.dirBytes("mon.b") + cluster.dirBytes("mon.c");
        System.out.printf("%d map changes in %.1f s = %.0f commands/s through 3 monitors; mon dirs %d KiB before, "
                + "%d KiB after%n", done.get(), seconds, done.get() / seconds, before / 1024, after / 1024);
        try (MonClient mon = cluster.client()) {
            OsdMap map = mon.getMap(0);
            assertTrue(map.epoch() > changes, "every change is an epoch: " + map.epoch());
        }
        assertTrue(after < 64L << 20, "monitor disk use stays bounded: " + after + " bytes for 3 monitors");
    }
}
