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
 * on a fourth host writes and reads 100 objects. Every command is the release's own
 * {@code bin/cairn}, run with nothing but a JDK; skips where namespaces cannot be made.
 */
class ReleaseOnHostsIT {
    private static final int MON_HOSTS = 3;
    private static final int CLIENT = 3;
    private static final int PORT = 6789;
    private static final Pattern CREATED = Pattern.compile("created osd\\.(\\d+)");
    private TestHosts hosts;
    private LoopDevice loop;
    private Path dir;
    private Path home;

    @AfterEach
    void down() throws Exception {
        if (home != null) {
            for (int h = MON_HOSTS - 1; h >= 0; h--) {
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
            for (int h = 0; h < MON_HOSTS; h++) {
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
        hosts = TestHosts.create(CLIENT + 1);
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
        for (int h = 0; h <= CLIENT; h++) {
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
        for (int h = 0; h < MON_HOSTS; h++) {
            String conf = confs.get(h).toString();
            // a device, or by default a directory where the host's run_dir has its OSDs
            String prepared = h == 0 && loop != null
                    ? on(h, "-c", conf, "osd", "prepare", "--data", loop.path().toString())
                    : on(h, "-c", conf, "osd", "prepare", "--size", Long.toString(512L << 20));
            Matcher m = CREATED.matcher(prepared);
            assertTrue(m.find(), prepared);
            String id = m.group(1);
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

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = home.resolve("lib/cairn.jar") + ":" + Path.of("target", "test-classes").toAbsolutePath();
        ProcessBuilder pb = hosts.exec(CLIENT, List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", cp,
                ObjectWorkload.class.getName(), clientConf.toString(), "data", "0", "100"));
        Process client = pb.redirectErrorStream(true).start();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(client.waitFor(180, TimeUnit.SECONDS), "the client finished");
        assertEquals(0, client.exitValue(), out);
        assertTrue(out.contains("mismatches 0 missing 0"), out);
        System.out.println("ReleaseOnHostsIT: " + out.lines().filter(l -> l.startsWith("WORKLOAD")).findFirst().orElse(out)
                + (loop != null ? "; osd on " + loop.path() : ""));
    }
}
