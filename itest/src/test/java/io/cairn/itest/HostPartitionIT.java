package io.cairn.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A cluster on hosts of their own: five network namespaces ({@link TestHosts}), three monitors
 * on hosts 0-2, one OSD on each of hosts 0-3, and the client on host 4, every daemon a JVM
 * started through {@code bin/cairn-daemon} inside its host and bound to that host's address. A
 * client in its own namespace writes and reads 100 objects. Then, each time with the client
 * writing and reading throughout and nothing lost: host 3 is cut off (osd.3 down by its peers'
 * reports, out, PGs active+clean on the other three; up again after the heal), and host 2 with
 * monitor c (the majority keeps committing; c alone refuses writes and serves no map; after the
 * heal it has caught up); the client's route to one OSD is cut (its ops wait or time out, never
 * return wrong data); host 3 flaps for half a minute (no PG is left stuck). Skips where namespaces
 * cannot be made.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostPartitionIT {
    private static final int HOSTS = 5;
    private static final int CLIENT = 4;
    private static final int CUT = 3;
    private static final long SEED = Long.getLong("cairn.test.seed", 23L);
    /** How long host 3 flaps: half a minute in CI, as a short version of a long soak (-Dcairn.flap.seconds=N). */
    private static final int FLAP_SECONDS = Integer.getInteger("cairn.flap.seconds", 30);
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private final List<Process> daemons = new ArrayList<>();
    private TestHosts hosts;
    private Path dir;
    private Path conf;

    @AfterAll
    void down() throws Exception {
        Processes.stopAll(daemons);
        if (hosts != null) {
            hosts.close();
        }
        if (dir != null) {
            Path logs = Path.of("target", "cluster-logs", dir.getFileName().toString());
            Files.createDirectories(logs);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                    Files.copy(f, logs.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @BeforeAll
    void up() throws Exception {
        Optional<String> why = TestHosts.unavailable();
        assumeTrue(why.isEmpty(), () -> "no network namespaces: " + why.orElse(""));
        assumeTrue(Files.exists(ROOT.resolve("deploy/target/cairn.jar")), "deploy/target/cairn.jar is not built");
        hosts = TestHosts.create(HOSTS);
        dir = Files.createTempDirectory("cairn-hosts-");
        conf = dir.resolve("cairn.conf");
        StringBuilder c = new StringBuilder("[global]\nmon_host = ");
        for (int i = 0; i < 3; i++) {
            c.append(i == 0 ? "" : ",").append(hosts.address(i)).append(":6789");
        }
        c.append("\nmon_initial_members = a,b,c\nrun_dir = ").append(dir.resolve("data")).append('\n')
                .append(TestCluster.FAST_FAILURE_CONF.replace("[global]", ""))
                .append("mon_osd_down_out_interval = 10\nosd_pool_default_size = 3\nosd_pool_default_min_size = 2\n")
                .append("mon_memory_target = 536870912\n[osd]\nosd_memory_target = 1073741824\n");
        for (int i = 0; i <= CUT; i++) {
            c.append("[osd.").append(i).append("]\npublic_addr = ").append(hosts.address(i)).append(":6800\n")
                    .append("crush_location = host=node").append(i).append('\n');
        }
        c.append("[mds.a]\npublic_addr = ").append(hosts.address(0)).append(":6801\n");
        Files.writeString(conf, c.toString());
        for (int i = 0; i < 3; i++) {
            daemons.add(daemon(i, "mon", String.valueOf((char) ('a' + i))));
        }
        Processes.await(() -> cli("mon", "stat").contains("quorum"), 120, "monitor quorum");
        for (int i = 0; i <= CUT; i++) {
            Processes.run(new ProcessBuilder(ROOT.resolve("bin/cairn").toString(), "-c", conf.toString(), "osd", "mkfs", "--id",
                    Integer.toString(i), "--size", Long.toString(512L << 20)), 120);
            daemons.add(daemon(i, "osd", Integer.toString(i)));
        }
        Processes.await(() -> cli("osd", "stat").startsWith("4 osds: 4 up, 4 in"), 120, "four OSDs up");
        cli("osd", "pool", "create", "data", "16");
        Processes.await(() -> Processes.allActiveClean(cli("pg", "stat")), 120, "PGs active+clean");
    }

    @Test
    @Order(1)
    void clientOnItsOwnHostWritesAndReadsObjects() throws Exception {
        assertTrue(workload(0, 100, 120).contains("mismatches 0 missing 0"));
    }

    @Test
    @Order(2)
    void hostCutOffIsMarkedDownItsPgsServeElsewhereAndItRejoins() throws Exception {
        // host 3 cut off while the client writes: down by its peers' reports, out, PGs clean on three
        Process load = workloadProcess(40, 0);
        long cutNs = System.nanoTime();
        hosts.cut(CUT);
        Processes.await(() -> cli("osd", "stat").startsWith("4 osds: 3 up"), 60, "osd.3 marked down");
        double downSec = (System.nanoTime() - cutNs) / 1e9;
        Processes.await(() -> cli("osd", "stat").startsWith("4 osds: 3 up, 3 in"), 60, "osd.3 marked out");
        Processes.await(() -> Processes.allActiveClean(cli("pg", "stat")), 180, "PGs active+clean on three OSDs");
        double cleanSec = (System.nanoTime() - cutNs) / 1e9;
        long healNs = System.nanoTime();
        hosts.heal(CUT);
        Processes.await(() -> cli("osd", "stat").startsWith("4 osds: 4 up, 4 in"), 120, "osd.3 up and in again");
        double upSec = (System.nanoTime() - healNs) / 1e9;
        String result = finish(load, 240);
        assertTrue(result.contains("mismatches 0 missing 0"), result);
        System.out.printf("HostPartitionIT: host cut -> osd.3 down %.1f s, -> active+clean %.1f s; heal -> up %.1f s; %s%n",
                downSec, cleanSec, upSec, result.strip());
        Processes.await(() -> Processes.allActiveClean(cli("pg", "stat")), 180, "PGs active+clean after the heal");
    }

    @Test
    @Order(3)
    void monitorMinorityRefusesAndCatchesUpAfterTheHeal() throws Exception {
        // a client on host 2 that knows only monitor c, and gives up on a command after 5 s
        Path onlyC = dir.resolve("only-c.conf");
        Files.writeString(onlyC, "[global]\nmon_host = " + hosts.address(2) + ":6789\nmon_initial_members = c\n"
                + "rados_mon_op_timeout = 5\nclient_mon_connect_timeout = 2\n");
        Process load = workloadProcess(30, 0);
        hosts.cut(2);
        cli("osd", "pool", "create", "during-cut", "8");
        assertTrue(cli("osd", "pool", "ls").contains("during-cut"), "the majority commits");
        // past c's election timeout (mon_election_timeout_max, 2 s): it knows it has no leader
        Thread.sleep(5000);
        assertTrue(Processes.fails(on(2, onlyC, "osd", "pool", "create", "minority", "8")), "monitor c alone refuses a write");
        assertTrue(Processes.fails(on(2, onlyC, "osd", "stat")), "monitor c alone serves no map");
        hosts.heal(2);
        Processes.await(() -> Processes.run(on(2, onlyC, "osd", "pool", "ls"), 30).contains("during-cut"), 90, "monitor c caught up");
        assertTrue(cli("quorum_status").contains("\"c\""), "c back in the quorum");
        String result = finish(load, 240);
        assertTrue(result.contains("mismatches 0 missing 0"), result);
        Processes.await(() -> cli("osd", "stat").startsWith("4 osds: 4 up, 4 in"), 120, "osd.2 up and in again");
        Processes.await(() -> Processes.allActiveClean(cli("pg", "stat")), 180, "PGs active+clean after the heal");
        assertTrue(!cli("osd", "pool", "ls").contains("minority"), "the refused write never happened");
    }

    @Test
    @Order(4)
    void clientCutOffFromOneOsdWaitsAndCompletesAfterTheHeal() throws Exception {
        // the client's route to host 1 only: the OSDs still see each other, so nothing is marked down
        Process load = workloadProcess(30, 0);
        Thread.sleep(3000);
        hosts.cutBetween(CLIENT, 1);
        Thread.sleep(15_000);
        assertTrue(cli("osd", "stat").startsWith("4 osds: 4 up, 4 in"), "no OSD marked down for a client's cut");
        hosts.healBetween(CLIENT, 1);
        String result = finish(load, 240);
        // ops to osd.1's PGs waited (within rados_osd_op_timeout) or timed out: never wrong data
        assertTrue(result.contains("mismatches 0 missing 0"), result);
        System.out.println("HostPartitionIT: client cut from osd.1 for 15 s: " + result.strip());
    }

    @Test
    @Order(5)
    void flappingHostLeavesNoPgStuck() throws Exception {
        // host 3 cut and healed every few seconds, with the client working throughout
        Process load = workloadProcess(FLAP_SECONDS + 10, 0);
        java.util.SplittableRandom r = new java.util.SplittableRandom(SEED);
        long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(FLAP_SECONDS);
        int flaps = 0;
        while (System.nanoTime() < stopAt) {
            hosts.cut(CUT);
            Thread.sleep(1000 + r.nextInt(4000));
            hosts.heal(CUT);
            Thread.sleep(1000 + r.nextInt(4000));
            flaps++;
        }
        long healedNs = System.nanoTime();
        Processes.await(() -> cli("osd", "stat").startsWith("4 osds: 4 up, 4 in"), 180, "osd.3 up and in after flapping");
        Processes.await(() -> Processes.allActiveClean(cli("pg", "stat")), 240, "PGs active+clean after flapping");
        double settleSec = (System.nanoTime() - healedNs) / 1e9;
        String result = finish(load, 240);
        assertTrue(result.contains("mismatches 0 missing 0"), result);
        System.out.printf("HostPartitionIT: %d flaps in %d s, active+clean %.1f s after the last heal; %s%n", flaps,
                FLAP_SECONDS, settleSec, result.strip());
    }

    /**
     * A file-system writer on the client host holds a file's write caps when the network cuts the
     * host off from the MDS and the OSDs: a reader on host 1 gets the caps once the writer's session
     * is stale, and reads every block the writer fsynced; after session_autoclose the writer is
     * evicted and its address blocklisted; when the network heals, its next write is refused and the
     * file is unchanged.
     */
    @Test
    @Order(6)
    void aWriterCutOffByTheNetworkGoesStaleIsEvictedAndCannotWriteAfterTheHeal() throws Exception {
        cli("osd", "pool", "create", "cairnfs_metadata", "8");
        cli("osd", "pool", "create", "cairnfs_data", "8");
        cli("fs", "new", "cairnfs", "cairnfs_metadata", "cairnfs_data");
        cli("fs", "set", "cairnfs", "session_timeout", "30");
        cli("fs", "set", "cairnfs", "session_autoclose", "40");
        daemons.add(daemon(0, "mds", "a"));
        Processes.await(() -> cli("fs", "status").contains(" active "), 120, "mds.a active");
        String path = "/cut-writer";
        try (FsWriterRun w = FsWriterRun.start(cmd -> hosts.exec(CLIENT, cmd), conf, path)) {
            w.awaitLine("WROTE 3", 60);
            hosts.cut(CLIENT);
            long cutNs = System.nanoTime();
            int durable = w.lastWrote();
            String read = readOn(1, path);
            double afterS = (System.nanoTime() - cutNs) / 1e9;
            String[] f = read.split(" ");
            assertTrue(f[0].equals("READ") && Integer.parseInt(f[1]) >= durable + 1, read + " (blocks 0.." + durable
                    + " were fsynced)");
            assertTrue(afterS > 20, "the reader waited for the writer's session to go stale, not " + afterS + " s");
            Processes.await(() -> Processes.run(on(0, conf, "osd", "blocklist", "ls"), 30).contains(w.addr), 60,
                    "the cut-off writer evicted and blocklisted");
            String before = readOn(1, path).split(" ")[1];
            hosts.heal(CLIENT);
            String refused = w.awaitLine("REFUSED", 90);
            assertTrue(refused.contains("Blocklisted"), refused);
            assertEquals(before, readOn(1, path).split(" ")[1], "the writer wrote nothing after the heal");
            System.out.printf("HostPartitionIT: writer cut off; the reader had its caps %.1f s later (session_timeout "
                    + "30 s), %s blocks; evicted and blocklisted; after the heal: %s%n", afterS, f[1], refused);
        }
    }

    /** Reads the writer's file whole from {@code host}: READ blocks waited-ms. */
    private String readOn(int host, String path) {
        List<String> cmd = FsWriterRun.command(conf.toString(), path, "read");
        String out = Processes.run(hosts.exec(host, cmd), 150);
        return out.lines().filter(l -> l.startsWith("READ") || l.startsWith("BAD")).findFirst().orElse(out);
    }

    /** A cairn command on {@code host} with config {@code conf}. */
    private ProcessBuilder on(int host, Path conf, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/cairn").toString(), "-c", conf.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = hosts.exec(host, cmd);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb;
    }


    private Process daemon(int host, String type, String id) throws IOException {
        ProcessBuilder pb = hosts.exec(host, List.of(ROOT.resolve("bin/cairn-daemon").toString(), type, id));
        pb.environment().put("CAIRN_CONF", conf.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve(type + "." + id + ".log").toFile());
        return pb.start();
    }

    /** An admin command from the client's host. */
    private String cli(String... args) {
        return Processes.run(on(CLIENT, conf, args), 60);
    }

    private Process workloadProcess(long seconds, int minObjects) throws IOException {
        ProcessBuilder pb = hosts.exec(CLIENT, Processes.javaMain(ObjectWorkload.class, conf.toString(), "data",
                Long.toString(seconds), Integer.toString(minObjects)));
        pb.redirectErrorStream(true);
        return pb.start();
    }

    private String workload(long seconds, int minObjects, int timeoutSec) throws Exception {
        return finish(workloadProcess(seconds, minObjects), timeoutSec);
    }

    private static String finish(Process p, int timeoutSec) throws Exception {
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(timeoutSec, TimeUnit.SECONDS), "workload finished");
        String text = new String(out, StandardCharsets.UTF_8);
        String last = text.lines().filter(l -> l.startsWith("WORKLOAD")).reduce((a, b) -> b).orElse(text);
        assertEquals(0, p.exitValue(), last);
        return last;
    }



}
