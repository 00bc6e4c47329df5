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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The release tarball deployed the way an operator grows a cluster, on hosts of their own
 * (network namespaces): {@code cluster bootstrap} starts monitor a on host 0; the config copied to
 * hosts 1 and 2, {@code cluster add-mon} starts b and c there and lets them in; each host
 * prepares and activates one OSD in its own rack (host 0's on a raw loop block device); a client
 * on a fourth host writes and reads 100 objects; then, with that client writing and reading,
 * {@code mon remove c} and {@code cluster add-mon} of d on a fifth host. Every command is the release's own
 * {@code bin/cairn}, run with nothing but a JDK; skips where namespaces cannot be made.
 */
class ReleaseOnHostsIT {
    private static final int MON_HOSTS = 3;
    private static final int CLIENT = 3;
    /** The host monitor c is replaced on. */
    private static final int NEW_MON = 4;
    private static final int PORT = 6789;
    private static final Pattern CREATED = Pattern.compile("created osd\\.(\\d+)");
    private TestHosts hosts;
    private LoopDevice loop;
    private Path dir;
    private Path home;

    @AfterEach
    void down() throws Exception {
        if (home != null) {
            for (int h : List.of(NEW_MON, 2, 1, 0)) {
                if (Files.exists(hostDir(h).resolve("cairn.conf"))) {
                    Processes.run(cli(h, "cluster", "down", "--dir", hostDir(h).toString()), 120);
                }
            }
        }
        if (hosts != null) {
            hosts.close();
        }
        if (loop != null) {
            loop.close();
        }
        if (dir != null) {
            Path logs = Path.of("target", "cluster-logs", dir.getFileName().toString());
            Files.createDirectories(logs);
            for (int h : List.of(0, 1, 2, NEW_MON)) {
                Path log = hostDir(h).resolve("log");
                if (Files.isDirectory(log)) {
                    try (Stream<Path> files = Files.list(log)) {
                        for (Path f : files.toList()) {
                            Files.copy(f, logs.resolve("host" + h + "-" + f.getFileName()),
                                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private Path hostDir(int host) {
        return dir.resolve("host" + host);
    }

    private String monAddr(int host) {
        return hosts.address(host) + ":" + PORT;
    }

    /** The release's {@code bin/cairn} on {@code host}, in the environment of a machine with only a JDK. */
    private ProcessBuilder cli(int host, String... args) {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/cairn").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = hosts.exec(host, cmd);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        return pb;
    }

    private String on(int host, String... args) {
        return Processes.run(cli(host, args), 120);
    }

    /**
     * The cluster's config as one host has it: the bootstrap config with the host's own run_dir,
     * every monitor in mon_host, and what the operator sets for the host's OSDs (their address and
     * rack) and for small test machines (memory targets).
     */
    private Path hostConf(int host, String bootstrapConf) throws IOException {
        Path d = host == CLIENT ? dir.resolve("client") : hostDir(host);
        Files.createDirectories(d);
        List<String> mons = new ArrayList<>();
        for (int h = 0; h < MON_HOSTS; h++) {
            mons.add(monAddr(h));
        }
        String text = bootstrapConf.replaceAll("(?m)^run_dir = .*$", Matcher.quoteReplacement("run_dir = " + d))
                .replaceAll("(?m)^mon_host = .*$", "mon_host = " + String.join(",", mons))
                .replaceAll("(?m)^mon_initial_members = .*$", "mon_initial_members = a")
                + "osd_pool_default_size = 3\nosd_pool_default_min_size = 2\nmon_memory_target = 536870912\n"
                + "[osd]\nosd_memory_target = 1073741824\npublic_addr = " + hosts.address(host) + ":0\n"
                + "crush_location = rack=rack" + host + " host=node" + host + "\n";
        Path conf = d.resolve("cairn.conf");
        Files.writeString(conf, text, StandardCharsets.UTF_8);
        return conf;
    }

    @Test
    void anOperatorBootstrapsAndGrowsAClusterAcrossHosts() throws Exception {
        Optional<String> why = TestHosts.unavailable();
        assumeTrue(why.isEmpty(), () -> "no network namespaces: " + why.orElse(""));
        Path tgz = ReleaseTarballIT.tarball();
        assumeTrue(tgz != null, "no release tarball in deploy/target (built unless -DskipDist)");
        hosts = TestHosts.create(NEW_MON + 1);
        dir = Files.createTempDirectory("cairn-release-hosts-");
        Processes.run(new ProcessBuilder("tar", "-xzf", tgz.toAbsolutePath().toString(), "-C", dir.toString()), 60);
        try (Stream<Path> top = Files.list(dir)) {
            home = top.filter(Files::isDirectory).findFirst().orElseThrow();
        }

        String boot = on(0, "cluster", "bootstrap", "--dir", hostDir(0).toString(), "--mon-id", "a",
                "--mon-addr", monAddr(0));
        assertTrue(boot.contains("quorum a"), boot);
        String bootstrapConf = Files.readString(hostDir(0).resolve("cairn.conf"));
        assertTrue(bootstrapConf.matches("(?s).*\\nfsid = [0-9a-f-]{36}\\n.*"), bootstrapConf);
        List<Path> confs = new ArrayList<>();
        for (int h = 0; h <= NEW_MON; h++) {
            confs.add(hostConf(h, bootstrapConf));
        }
        for (int h = 1; h < MON_HOSTS; h++) {
            String id = String.valueOf((char) ('a' + h));
            String added = on(h, "cluster", "add-mon", "--dir", hostDir(h).toString(), "--id", id, "--addr", monAddr(h));
            assertTrue(added.contains("added mon." + id), added);
        }
        Path clientConf = confs.get(CLIENT);
        Processes.await(() -> on(CLIENT, "-c", clientConf.toString(), "mon", "stat").contains("quorum 0,1,2 a,b,c"), 60,
                "three monitors in quorum");

        // one OSD per host, each in its own rack; host 0's object data on a raw block device
        loop = LoopDevice.attach(dir.resolve("disk0.img"), 512L << 20, "ReleaseOnHostsIT");
        List<String> osdOnHost = new ArrayList<>();
        for (int h = 0; h < MON_HOSTS; h++) {
            String conf = confs.get(h).toString();
            // a device, or by default a directory where the host's run_dir has its OSDs
            String prepared = h == 0 && loop != null
                    ? on(h, "-c", conf, "osd", "prepare", "--data", loop.path().toString())
                    : on(h, "-c", conf, "osd", "prepare", "--size", Long.toString(512L << 20));
            Matcher m = CREATED.matcher(prepared);
            assertTrue(m.find(), prepared);
            String id = m.group(1);
            osdOnHost.add(id);
            assertTrue(on(h, "-c", conf, "osd", "activate", id).contains("started osd." + id));
        }
        Processes.await(() -> on(CLIENT, "-c", clientConf.toString(), "osd", "stat").startsWith("3 osds: 3 up, 3 in"),
                120, "three OSDs up and in");
        String tree = on(CLIENT, "-c", clientConf.toString(), "osd", "tree");
        for (int h = 0; h < MON_HOSTS; h++) {
            assertTrue(tree.contains("rack rack" + h) && tree.contains("host node" + h), tree);
        }
        on(CLIENT, "-c", clientConf.toString(), "osd", "pool", "create", "data", "16");
        Processes.await(() -> Processes.allActiveClean(on(CLIENT, "-c", clientConf.toString(), "pg", "stat")), 120,
                "PGs active+clean");

        String first = finish(workload(clientConf, 0, 100));
        System.out.println("ReleaseOnHostsIT: " + first + (loop != null ? "; osd on " + loop.path() : ""));

        // monitor c replaced by d on a new host while the client keeps writing and reading
        Process load = workload(clientConf, 8, 0);
        String removed = on(CLIENT, "-c", clientConf.toString(), "mon", "remove", "c");
        assertTrue(removed.contains("removed mon.c"), removed);
        String added = on(NEW_MON, "cluster", "add-mon", "--dir", hostDir(NEW_MON).toString(), "--id", "d", "--addr",
                monAddr(NEW_MON));
        assertTrue(added.contains("added mon.d"), added);
        Processes.await(() -> on(CLIENT, "-c", clientConf.toString(), "quorum_status").replaceAll("\\s", "")
                .contains("\"quorum_names\":[\"a\",\"b\",\"d\"]"), 60, "quorum a,b,d");
        String during = finish(load);
        assertTrue(during.contains("timeouts 0 mismatches 0 missing 0"), during);
        System.out.println("ReleaseOnHostsIT: mon.c replaced by mon.d while " + during);

        // host 1's disk fails: its OSD is destroyed and a new disk takes its id and CRUSH place
        String failed = osdOnHost.get(1);
        String conf1 = confs.get(1).toString();
        on(1, "cluster", "stop", "--dir", hostDir(1).toString(), "osd." + failed);
        Processes.await(() -> on(CLIENT, "-c", clientConf.toString(), "osd", "stat").startsWith("3 osds: 2 up"), 60,
                "osd." + failed + " down");
        on(CLIENT, "-c", clientConf.toString(), "osd", "destroy", failed, "--yes-i-really-mean-it");
        assertTrue(on(CLIENT, "-c", clientConf.toString(), "osd", "tree").contains("destroyed"));
        deleteTree(hostDir(1).resolve("osd." + failed)); // the dead disk goes; the new one is empty
        String replaced = on(1, "-c", conf1, "osd", "prepare", "--osd-id", failed, "--size", Long.toString(512L << 20));
        assertTrue(replaced.contains("created osd." + failed), replaced);
        on(1, "-c", conf1, "osd", "activate", failed);
        Processes.await(() -> on(CLIENT, "-c", clientConf.toString(), "osd", "stat").startsWith("3 osds: 3 up, 3 in"),
                120, "the replacement osd." + failed + " up and in");
        assertTrue(on(CLIENT, "-c", clientConf.toString(), "osd", "tree").contains("host node1"));
        Processes.await(() -> Processes.allActiveClean(on(CLIENT, "-c", clientConf.toString(), "pg", "stat")), 180,
                "PGs active+clean with the replacement recovered");
        System.out.println("ReleaseOnHostsIT: destroyed osd." + failed + " replaced; "
                + finish(workload(clientConf, 0, 100)));
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** ObjectWorkload on the client's host, from the release's jar: for {@code seconds}, at least {@code objects}. */
    private Process workload(Path conf, int seconds, int objects) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = home.resolve("lib/cairn.jar") + ":" + Path.of("target", "test-classes").toAbsolutePath();
        ProcessBuilder pb = hosts.exec(CLIENT, List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", cp,
                ObjectWorkload.class.getName(), conf.toString(), "data", Integer.toString(seconds),
                Integer.toString(objects)));
        return pb.redirectErrorStream(true).start();
    }

    /** The workload's WORKLOAD line, once it ended with every object read back as written. */
    private static String finish(Process client) throws InterruptedException, IOException {
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(client.waitFor(180, TimeUnit.SECONDS), "the client finished");
        assertEquals(0, client.exitValue(), out);
        assertTrue(out.contains("mismatches 0 missing 0"), out);
        return out.lines().filter(l -> l.startsWith("WORKLOAD")).findFirst().orElse(out);
    }
}
