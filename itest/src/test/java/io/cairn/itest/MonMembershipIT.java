package io.cairn.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.cli.Json;
import io.cairn.common.mon.MonClient;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.CommandReply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Monitors replaced while a client commits map changes: a monitor that is not running cannot
 * be added; {@code mon remove c} stops c; {@code mon add d} lets a new monitor in once it caught
 * up; the leader itself is removed; the membership survives a restart of every monitor.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonMembershipIT {
    private static final long WRITES_MAX = 2_000;
    private TestCluster cluster;

    @BeforeAll
    void up() throws IOException {
        cluster = TestCluster.start(3, "\n[global]\nmon_tick_interval = 0.5\n");
    }

    @AfterAll
    void down() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Creates pools one after another until told to stop; records failures and the longest gap between commits. */
    private static final class Writer {
        final AtomicBoolean stop = new AtomicBoolean();
        final List<String> acked = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final AtomicLong longestGapMs = new AtomicLong();
        CompletableFuture<Void> done;

        void start(TestCluster cluster) {
            done = CompletableFuture.runAsync(() -> {
                long last = System.nanoTime();
                try (MonClient mon = cluster.client()) {
                    for (int i = 0; i < WRITES_MAX && !stop.get(); i++) {
                        String pool = "w" + i;
                        try {
                            CommandReply r = mon.command("osd pool create", Map.of("pool", pool, "pg_num", "1"));
                            if (r.getCode() == 0) {
                                synchronized (acked) {
                                    acked.add(pool);
                                }
                            } else {
                                failures.add(pool + ": " + r.getCode() + " " + r.getMessage());
                            }
                        } catch (CairnException e) {
                            failures.add(pool + ": " + e.getMessage());
                        }
                        long now = System.nanoTime();
                        longestGapMs.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(now - last), Math::max);
                        last = now;
                        Thread.sleep(50);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    private static Map<?, ?> quorum(MonClient mon) {
        return (Map<?, ?>) Json.parse(TestCluster.ok(mon.command("quorum_status", Map.of())).getOutputJson());
    }

    private static List<String> names(Map<?, ?> quorum) {
        return ((List<?>) quorum.get("quorum_names")).stream().map(Object::toString).sorted().toList();
    }

    private static List<String> mapNames(Map<?, ?> quorum) {
        List<?> mons = (List<?>) ((Map<?, ?>) quorum.get("monmap")).get("mons");
        return mons.stream().map(m -> ((Map<?, ?>) m).get("name").toString()).toList();
    }

    private List<String> awaitQuorum(MonClient mon, List<String> want) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> seen = List.of();
        while (System.nanoTime() < deadline) {
            try {
                seen = names(quorum(mon));
                if (seen.equals(want)) {
                    return seen;
                }
            } catch (AssertionError | CairnException notYet) {
                // electing
            }
            Thread.sleep(250);
        }
        return seen;
    }

    private boolean awaitExit(String daemon) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (cluster.local.running(daemon).isEmpty()) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    @Test
    void monitorsAreReplacedWhileTheQuorumKeepsCommitting() throws Exception {
        int dPort = cluster.basePort + 3;
        int ePort = cluster.basePort + 4;
        String dAddr = cluster.local.addMonitorConf("d", "127.0.0.1:" + dPort);
        Writer writer = new Writer();
        writer.start(cluster);
        try (MonClient mon = cluster.client()) {
            // a monitor that is not running cannot catch up, so it is not let in, and nothing changes
            CommandReply absent = mon.command("mon add", Map.of("name", "e", "addr", "127.0.0.1:" + ePort));
            assertEquals(ErrorCode.EAGAIN.code(), absent.getCode(), absent.getMessage());
            assertTrue(absent.getMessage().contains("must be running"), absent.getMessage());
            assertEquals(List.of("a", "b", "c"), mapNames(quorum(mon)));
            CommandReply taken = mon.command("mon add", Map.of("name", "a", "addr", dAddr));
            assertEquals(ErrorCode.EEXIST.code(), taken.getCode(), taken.getMessage());

            TestCluster.ok(mon.command("mon remove", Map.of("name", "c")));
            assertTrue(awaitExit("mon.c"), "a removed monitor stops itself");
            assertEquals(List.of("a", "b"), mapNames(quorum(mon)));

            cluster.local.start("mon.d");
            // retried while d's JVM is still starting
            String added = cluster.local.letMonitorIn("d", dAddr, java.time.Duration.ofSeconds(60));
            assertTrue(added.contains("added mon.d"), added);
            assertEquals(List.of("a", "b", "d"), awaitQuorum(mon, List.of("a", "b", "d")));
            String dump = TestCluster.ok(mon.command("mon dump", Map.of())).getOutputPlain();
            assertTrue(dump.contains("2: " + dAddr + " mon.d"), dump);
            // a client that knows only monitor a learns the others from the monitor map
            MonClient onlyA = cluster.clientOf(0);
            assertEquals(List.of("127.0.0.1:" + (cluster.basePort + 1), dAddr), onlyA.learnMonitors());

            // the leader itself goes: Ratis commits the change, then the others elect one of themselves
            String leader = quorum(mon).get("quorum_leader_name").toString();
            TestCluster.ok(mon.command("mon remove", Map.of("name", leader)));
            assertTrue(awaitExit("mon." + leader), "the removed leader stops itself");
            List<String> rest = new ArrayList<>(List.of("a", "b", "d"));
            rest.remove(leader);
            assertEquals(rest, awaitQuorum(mon, rest));
            assertNotEquals(leader, quorum(mon).get("quorum_leader_name").toString());
            // and still reaches the quorum when a is the one removed
            assertEquals(rest, names(quorum(onlyA)));
            onlyA.close();
        } finally {
            writer.stop.set(true);
            writer.done.get(120, TimeUnit.SECONDS);
        }
        System.out.printf("monitor replacement: %d map changes committed, longest gap between two %d ms%n",
                writer.acked.size(), writer.longestGapMs.get());
        assertEquals(List.of(), writer.failures, "no write failed");
        assertTrue(writer.longestGapMs.get() < 15_000, "writes paused at most an election or two, longest gap "
                + writer.longestGapMs.get() + " ms");
        try (MonClient mon = cluster.client()) {
            OsdMap map = mon.getMap(0);
            for (String pool : writer.acked) {
                assertTrue(map.pool(pool) != null, "acknowledged pool " + pool + " is in the map");
            }
            // every monitor restarts from its own log: the membership it recorded is the one it keeps
            List<String> rest = mapNames(quorum(mon));
            for (String m : rest) {
                cluster.local.stop("mon." + m, false);
            }
            for (String m : rest) {
                cluster.local.start("mon." + m);
            }
            assertEquals(rest, awaitQuorum(mon, rest));
            assertEquals(rest, mapNames(quorum(mon)));
            assertTrue(mon.getMap(0).epoch() >= map.epoch(), "no map change lost over the restart");
        }
    }
}
