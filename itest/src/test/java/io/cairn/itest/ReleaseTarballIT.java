package io.cairn.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The release tarball, unpacked into an empty directory and driven only through its own
 * {@code bin/}: with nothing but a JDK (JAVA_HOME) in the environment, {@code bin/cairn-daemon}
 * runs a monitor from a config of the operator's, {@code cairn osd prepare} makes an OSD on a raw
 * loop block device (in a directory where none can be made), {@code bin/cairn-daemon} runs it,
 * and {@code bin/cairn} makes a pool, writes an object and reads it back.
 */
class ReleaseTarballIT {
    private final List<Process> daemons = new ArrayList<>();
    private Path dir;
    private LoopDevice loop;

    @AfterEach
    void stop() throws Exception {
        Processes.stopAll(daemons);
        if (loop != null) {
            loop.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    static Path tarball() throws IOException {
        Path target = Path.of("..", "deploy", "target");
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches("cairn-.*\\.tar\\.gz")).findFirst().orElse(null);
        }
    }

    @Test
    void unpackedReleaseRunsAClusterWithOnlyAJdk() throws Exception {
        Path tgz = tarball();
        assumeTrue(tgz != null, "no release tarball in deploy/target (built unless -DskipDist)");
        dir = Files.createTempDirectory("cairn-release-");
        run(List.of("tar", "-xzf", tgz.toAbsolutePath().toString(), "-C", dir.toString()), 60);
        Path home;
        try (Stream<Path> top = Files.list(dir)) {
            home = top.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        for (String f : List.of("bin/cairn", "bin/cairn-daemon", "lib/cairn.jar", "conf/cairn.conf.example",
            "grafana/cairn-cluster.json", "grafana/prometheus.yml",
            "systemd/cairn-mon@.service", "systemd/cairn-osd@.service", "systemd/cairn-mds@.service",
            "systemd/cairn.target")) {
            assertTrue(Files.exists(home.resolve(f)), f + " in the release");
        }
        assertTrue(run(cli(home, "--version"), 60).contains("cairn"));

        int port = freeBasePort();
        Path conf = dir.resolve("cairn.conf");
        Files.writeString(conf, "[global]\nmon_host = 127.0.0.1:" + port + "\nmon_initial_members = a\n"
                + "run_dir = " + dir.resolve("data") + "\nosd_pool_default_size = 1\nosd_pool_default_min_size = 1\n"
                + "mon_memory_target = 268435456\n[osd]\nosd_memory_target = 1073741824\n"
                + "[osd.0]\npublic_addr = 127.0.0.1:" + (port + 10) + "\ncrush_location = host=node0\n");
        daemons.add(daemon(home, conf, "mon", "a"));
        Processes.await(() -> run(cli(home, "-c", conf.toString(), "mon", "stat"), 30).contains("quorum"), 90, "monitor quorum");
        // the OSD's object data on a raw block device where a loop device can be made, else in its directory
        loop = LoopDevice.attach(dir.resolve("disk.img"), 512L << 20, "ReleaseTarballIT");
        Path device = loop == null ? null : loop.path();
        String prepared = run(cli(home, "-c", conf.toString(), "osd", "prepare", "--data",
                device != null ? device.toString() : dir.resolve("data").resolve("osd.0").toString(),
                "--size", Long.toString(512L << 20)), 120);
        assertTrue(prepared.contains("created osd.0") && (device == null || prepared.contains("object data on " + device)),
                prepared);
        daemons.add(daemon(home, conf, "osd", "0"));
        run(cli(home, "-c", conf.toString(), "osd", "pool", "create", "data", "8"), 60);
        Processes.await(() -> Processes.allActiveClean(run(cli(home, "-c", conf.toString(), "pg", "stat"), 30)), 120, "PGs active+clean");

        byte[] data = new byte[300_000];
        new SplittableRandom(3).nextBytes(data);
        Path in = dir.resolve("in.bin");
        Path out = dir.resolve("out.bin");
        Files.write(in, data);
        run(cli(home, "-c", conf.toString(), "rados", "-p", "data", "put", "obj", in.toString()), 60);
        run(cli(home, "-c", conf.toString(), "rados", "-p", "data", "get", "obj", out.toString()), 60);
        assertArrayEquals(data, Files.readAllBytes(out));
        assertTrue(run(cli(home, "-c", conf.toString(), "status"), 60).contains("1 osds: 1 up"));

        // every metric the release's dashboard draws is served by the daemons, the cluster's by the leader
        String dashboard = Files.readString(home.resolve("grafana/cairn-cluster.json"));
        java.util.Set<String> drawn = new java.util.TreeSet<>();
        Matcher m = Pattern.compile("cairn_[a-z_]+").matcher(dashboard);
        while (m.find()) {
            drawn.add(m.group().replaceAll("_(bucket|sum|count)$", ""));
        }
        assertTrue(drawn.size() > 10, "the dashboard draws metrics: " + drawn);
        Processes.await(() -> scrape(port + 2000).matches("(?s).*\\ncairn_cluster_osds_up(\\{[^}]*\\})? 1\\.0\\n.*"), 60, "the leader's cluster gauges");
        String served = scrape(port + 2000) + scrape(port + 10 + 2000);
        for (String metric : drawn) {
            assertTrue(Pattern.compile("(?m)^" + metric + "(_bucket|_sum|_count)?[{ ]").matcher(served).find(),
                    metric + " is served");
        }
    }

    private static String scrape(int port) {
        try {
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) java.net.URI.create(
                    "http://127.0.0.1:" + port + "/metrics").toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            try (java.io.InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new AssertionError("scrape :" + port, e);
        }
    }


    private static List<String> cli(Path home, String... args) {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/cairn").toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The environment of a host with a JDK and nothing of Cairn's installed. */
    private static void cleanEnv(ProcessBuilder pb) {
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("HOME", System.getProperty("java.io.tmpdir"));
    }

    private Process daemon(Path home, Path conf, String type, String id) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/cairn-daemon").toString(), type, id);
        cleanEnv(pb);
        pb.environment().put("CAIRN_CONF", conf.toString());
        pb.redirectErrorStream(true).redirectOutput(dir.resolve(type + "." + id + ".log").toFile());
        return pb.start();
    }

    private String run(List<String> cmd, int timeoutSec) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        cleanEnv(pb);
        return Processes.run(pb, timeoutSec);
    }


    private static int freeBasePort() throws IOException {
        SplittableRandom r = new SplittableRandom();
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 30000 + r.nextInt(1000) * 20;
            if (free(base) && free(base + 1000) && free(base + 2000) && free(base + 10) && free(base + 2010)) {
                return base;
            }
        }
        throw new IllegalStateException("no free ports");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException busy) {
            return false;
        }
    }
}
