package io.cairn.itest;

import io.cairn.cli.CairnMain;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.mon.MonClient;
import io.cairn.deploy.LocalCluster;
import io.cairn.proto.v1.CommandReply;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A real local cluster for a test: daemons as separate JVMs bound to 127.0.0.1 on free ports, in
 * a temporary directory; {@link #close} stops every daemon it started, by PID, and deletes it.
 */
final class TestCluster implements AutoCloseable {
    private static final int PORT_TRIES_MAX = 20;
    /**
     * A [global] section for tests that wait on failure detection: pings every second, a peer
     * silent for 4 s is reported, monitors tick twice a second, OSDs report stats every second,
     * clients wait up to 60 s for an op. Tests append their own lines.
     */
    static final String FAST_FAILURE_CONF = """

            [global]
            osd_heartbeat_interval = 1
            osd_heartbeat_grace = 4
            mon_tick_interval = 0.5
            osd_mon_report_interval = 1
            rados_osd_op_timeout = 60
            """;

    final LocalCluster local;
    final int basePort;

    private TestCluster(LocalCluster local, int basePort) {
        this.local = local;
        this.basePort = basePort;
    }

    static TestCluster start(int mons, String extraConf) throws IOException {
        return start(mons, 0, 0, extraConf);
    }

    /** Monitors, then {@code osds} OSDs with stores of {@code osdBytes}. */
    static TestCluster start(int mons, int osds, long osdBytes, String extraConf) throws IOException {
        Path dir = Files.createTempDirectory("cairn-itest-");
        SplittableRandom r = new SplittableRandom();
        for (int attempt = 0; attempt < PORT_TRIES_MAX; attempt++) {
            int base = 20000 + r.nextInt(700) * 20;
            LocalCluster c = new LocalCluster(dir);
            try {
                c.writeConfIfMissing(mons, base);
            } catch (IllegalArgumentException busy) {
                continue;
            }
            c.appendConf(extraConf);
            TestCluster tc = new TestCluster(c, base);
            try {
                for (String d : c.daemons()) {
                    c.start(d);
                }
                c.awaitQuorum(Duration.ofSeconds(90));
                for (int id = 0; id < osds; id++) {
                    c.makeOsd(id, osdBytes);
                    c.start("osd." + id);
                }
                return tc;
            } catch (IOException | RuntimeException e) {
                tc.close();
                throw e;
            }
        }
        throw new IllegalStateException("no free ports found");
    }

    /** Closes each of {@code things} not null, in order (a client before the cluster it talks to). */
    static void closeAll(AutoCloseable... things) throws Exception {
        for (AutoCloseable t : things) {
            if (t != null) {
                t.close();
            }
        }
    }

    Path conf() {
        return local.conf();
    }

    /** Runs {@code cairn -c CONF ARGS...} in this JVM; its standard output (a non-zero exit fails the test). */
    String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new java.util.ArrayList<>(List.of("-c", conf().toString()));
        all.addAll(List.of(args));
        int code = CairnMain.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
        if (code != 0) {
            throw new AssertionError("cairn " + String.join(" ", args) + " exited " + code + ": " + err);
        }
        return out.toString();
    }

    MonClient client() {
        return MonClient.fromConfig(CairnConfig.load(conf(), "client.admin", Map.of()));
    }

    /** A client that talks to one monitor only (to see that monitor's own state). */
    MonClient clientOf(int rank) {
        return new MonClient(List.of("127.0.0.1:" + (basePort + rank)), "client.admin", Duration.ofSeconds(10),
                Duration.ofSeconds(2));
    }

    static CommandReply ok(CommandReply r) {
        if (r.getCode() != 0) {
            throw new AssertionError("command failed: " + r.getCode() + " " + r.getMessage());
        }
        return r;
    }

    long dirBytes(String daemon) throws IOException {
        try (Stream<Path> files = Files.walk(local.dir().resolve(daemon))) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Override
    public void close() throws IOException {
        // OSDs first: a stopping OSD tells the monitors it is going down, which needs them up
        for (String d : local.daemons().reversed()) {
            local.stop(d, false);
        }
        // keep the daemons' logs for a look after the run; the data goes
        Path logs = Path.of("target", "cluster-logs", local.dir().getFileName().toString());
        Files.createDirectories(logs);
        try (Stream<Path> files = Files.list(local.dir().resolve("log"))) {
            for (Path f : files.toList()) {
                Files.copy(f, logs.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (Stream<Path> files = Files.walk(local.dir())) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
