package io.cairn.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.IoCtx;
import io.cairn.client.Rados;
import io.cairn.common.mon.MonClient;
import io.cairn.common.net.HostPort;
import io.cairn.common.net.Messenger;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.CommandReply;
import io.cairn.proto.v1.ConfigShowEntry;
import io.cairn.proto.v1.ConfigShowReply;
import io.cairn.proto.v1.ConfigShowRequest;
import io.cairn.proto.v1.DaemonAdminServiceGrpc;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Central config on a running cluster: {@code config set osd osd_recovery_max_active 1} reaches
 * every OSD ({@code config show} says so, from the monitors) and, during a recovery already
 * running, bounds how many objects each OSD copies at once from then on; a value out of range and
 * an unknown option are refused with clear errors and nothing is stored.
 */
class OsdConfigIT {
    private static final String CONF = TestCluster.FAST_FAILURE_CONF;
    private static final int OBJECTS = 1500;
    private static final int OBJECT_BYTES = 64 << 10;
    private static final String KEY = "osd_recovery_max_active";

    @Test
    void recoveryMaxActiveChangesARunningRecoveryAndBadValuesAreRefused() throws Exception {
        try (TestCluster cluster = TestCluster.start(1, 3, 512L << 20, CONF);
             MonClient mon = cluster.client()) {
            cluster.local.createPoolIfMissing("data", 3);
            assertTrue(cluster.local.awaitPgsActive("data", Duration.ofSeconds(90)));
            refusesBadValues(mon);
            TestCluster.ok(set(mon, "osd", KEY, "8"));
            try (Rados rados = Rados.builder().conf(cluster.conf()).connect()) {
                IoCtx io = rados.ioCtx("data");
                cluster.local.stop("osd.2", false);
                awaitDown(mon, 2);
                byte[] data = new byte[OBJECT_BYTES];
                List<CompletableFuture<Long>> writes = new ArrayList<>();
                for (int i = 0; i < OBJECTS; i++) {
                    writes.add(io.writeFullAsync("r-" + i, data));
                    if (writes.size() >= 32) {
                        writes.remove(0).get(60, TimeUnit.SECONDS);
                    }
                }
                for (CompletableFuture<Long> w : writes) {
                    w.get(60, TimeUnit.SECONDS);
                }
            }
            cluster.local.start("osd.2");
            OsdMap m = awaitUp(mon, 2);
            List<Integer> metricsPorts = new ArrayList<>();
            for (int osd = 0; osd < 3; osd++) {
                metricsPorts.add(HostPort.parse(m.osd(osd).address()).port() + 2000);
            }
            int before = maxActiveWhile(metricsPorts, Duration.ofSeconds(20), peak -> peak > 1);
            assertTrue(before > 1, "with " + KEY + " 8 several objects recover at once (saw " + before + ")");
            TestCluster.ok(set(mon, "osd", KEY, "1"));
            for (int osd = 0; osd < 3; osd++) {
                assertTrue(awaitShown(mon.getMap(0).osd(osd).address(), "1"), "osd." + osd + " shows " + KEY + " 1");
            }
            // copies that started before the change finish first
            Thread.sleep(1000);
            long[] seen = new long[2];
            int after = maxActiveWhile(metricsPorts, Duration.ofSeconds(120), peak -> false, seen);
            System.out.printf("recovery copies at once: up to %d with %s 8, up to %d after setting 1 (%d samples with copies)%n",
                    before, KEY, after, seen[1]);
            assertTrue(seen[1] > 0, "the recovery was still running after the change");
            assertEquals(1, after, "with " + KEY + " 1 each OSD copies one object at a time");
        }
    }

    private static CommandReply set(MonClient mon, String who, String name, String value) {
        return mon.command("config set", Map.of("who", who, "name", name, "value", value));
    }

    private static void refusesBadValues(MonClient mon) {
        String dumpBefore = mon.command("config dump", Map.of()).getOutputPlain();
        CommandReply negative = set(mon, "osd", KEY, "-1");
        assertNotEquals(0, negative.getCode());
        assertTrue(negative.getMessage().contains(KEY), negative.getMessage());
        CommandReply unknown = set(mon, "osd", "osd_no_such_option", "1");
        assertNotEquals(0, unknown.getCode());
        assertTrue(unknown.getMessage().contains("osd_no_such_option"), unknown.getMessage());
        System.out.println("refused: " + negative.getMessage() + " / " + unknown.getMessage());
        assertEquals(dumpBefore, mon.command("config dump", Map.of()).getOutputPlain(), "nothing stored");
    }

    private static void awaitDown(MonClient mon, int osd) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (mon.getMap(0).isUp(osd)) {
            assertTrue(System.nanoTime() < deadline, "osd." + osd + " marked down");
            Thread.sleep(200);
        }
    }

    private static OsdMap awaitUp(MonClient mon, int osd) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            OsdMap m = mon.getMap(0);
            if (m.isUp(osd)) {
                return m;
            }
            assertTrue(System.nanoTime() < deadline, "osd." + osd + " up again");
            Thread.sleep(200);
        }
    }

    /** Waits until the OSD at {@code address} runs with {@code value} from the monitors. */
    private static boolean awaitShown(String address, String value) throws InterruptedException {
        ManagedChannel ch = Messenger.newChannel(HostPort.parse(address), 4 << 20);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                ConfigShowReply r = DaemonAdminServiceGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .configShow(ConfigShowRequest.getDefaultInstance());
                for (ConfigShowEntry e : r.getEntriesList()) {
                    if (e.getName().equals(KEY) && e.getValue().equals(value) && e.getSource().equals("mon")) {
                        return true;
                    }
                }
                Thread.sleep(100);
            }
            return false;
        } finally {
            ch.shutdownNow();
        }
    }

    private interface Stop {
        boolean enough(int peak);
    }

    private static int maxActiveWhile(List<Integer> ports, Duration timeout, Stop stop) throws Exception {
        return maxActiveWhile(ports, timeout, stop, new long[2]);
    }

    /**
     * Samples every OSD's running recovery copies (its metrics gauge) until recovery is idle
     * everywhere for 3 s, {@code stop} says enough, or the timeout; the largest per-OSD value seen.
     * {@code seen[1]} counts samples in which some OSD was copying.
     */
    private static int maxActiveWhile(List<Integer> ports, Duration timeout, Stop stop, long[] seen) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        long idleSince = -1;
        int peak = 0;
        while (System.nanoTime() < deadline) {
            int busiest = 0;
            for (int port : ports) {
                busiest = Math.max(busiest, gauge(http, port));
            }
            peak = Math.max(peak, busiest);
            seen[0]++;
            if (busiest > 0) {
                seen[1]++;
                idleSince = -1;
            } else if (idleSince < 0) {
                idleSince = System.nanoTime();
            } else if (seen[1] > 0 && System.nanoTime() - idleSince > TimeUnit.SECONDS.toNanos(3)) {
                break;
            }
            if (stop.enough(peak)) {
                break;
            }
            Thread.sleep(20);
        }
        return peak;
    }

    /**
     * One OSD's running recovery copies; 0 for a sample that could not be read. The port is the
     * OSD's gRPC port + 2000, both picked by the kernel, so another daemon's listener can sit
     * there for a moment (CI once got a gRPC server's HTTP/2 answer): a missed sample, not a
     * failure; the assertions need real samples to pass.
     */
    private static int gauge(HttpClient http, int port) throws Exception {
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException unreadable) {
            System.out.println("OsdConfigIT: metrics on port " + port + " unreadable: " + unreadable.getMessage());
            return 0;
        }
        for (String line : r.body().split("\n")) {
            if (line.startsWith("cairn_osd_recovery_ops_active")) {
                return (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
