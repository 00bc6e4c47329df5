package io.cairn.deploy;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn cluster up|down|stop|start}: a local cluster of separate daemon processes. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Run a cluster on this machine.",
        subcommands = {ClusterCommand.Up.class, ClusterCommand.Down.class, ClusterCommand.Stop.class,
            ClusterCommand.Start.class, ClusterCommand.JvmArgs.class, ClusterCommand.Bootstrap.class,
            ClusterCommand.AddMon.class})
public final class ClusterCommand {
    static final String DIR_DEFAULT = "run";
    static final String FS_NAME = "cairnfs";

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Write DIR/cairn.conf (first time), start the monitors, wait for quorum, print status.")
    public static final class Up implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", defaultValue = DIR_DEFAULT, description = "Cluster directory (default ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--mons", defaultValue = "3", description = "Monitors (default ${DEFAULT-VALUE}).")
        int mons;

        @Option(names = "--base-port", defaultValue = "6789", description = "First monitor port (default ${DEFAULT-VALUE}).")
        int basePort;

        @Option(names = "--osds", defaultValue = "3", description = "OSDs (default ${DEFAULT-VALUE}; 0 for monitors only).")
        int osds;

        @Option(names = "--osd-size", defaultValue = "2147483648", paramLabel = "BYTES",
                description = "Store size of each new OSD (default 2 GiB, written out in full).")
        long osdSizeBytes;

        @Option(names = "--mds", defaultValue = "0", description = "MDS daemons (a, b, ...; default ${DEFAULT-VALUE}); "
                + "with one or more, also the file system " + FS_NAME + " on pools " + FS_NAME + "_metadata and "
                + FS_NAME + "_data.")
        int mdss;

        @Option(names = "--timeout", defaultValue = "90", description = "Seconds to wait for quorum and PGs (default ${DEFAULT-VALUE}).")
        int timeoutSec;

        @Override
        public Integer call() throws IOException {
            if (osds < 0 || osds > 64) {
                throw new IllegalArgumentException("--osds must be 0..64, not " + osds);
            }
            if (mdss < 0 || mdss > 26 || (mdss > 0 && osds == 0)) {
                throw new IllegalArgumentException("--mds must be 0..26 (and needs OSDs), not " + mdss);
            }
            LocalCluster c = new LocalCluster(dir);
            PrintWriter out = spec.commandLine().getOut();
            if (c.writeConfIfMissing(mons, basePort)) {
                out.println("wrote " + c.conf());
            }
            for (String d : c.daemons()) {
                if (d.startsWith("mon.")) {
                    out.println("started " + d + " (pid " + c.start(d) + ")");
                }
            }
            out.flush();
            c.awaitQuorum(Duration.ofSeconds(timeoutSec));
            for (int id = 0; id < osds; id++) {
                if (c.makeOsd(id, osdSizeBytes)) {
                    out.println("made osd." + id);
                }
            }
            for (String d : c.daemons()) {
                if (d.startsWith("osd.")) {
                    out.println("started " + d + " (pid " + c.start(d) + ")");
                }
            }
            out.flush();
            int running = c.osdIds().size();
            if (running > 0) {
                c.createPoolIfMissing("data", Math.min(3, running));
                if (!c.awaitPgsActive("data", Duration.ofSeconds(timeoutSec))) {
                    throw new IllegalStateException("pool data's PGs did not all come up within " + timeoutSec + "s (see "
                            + c.dir().resolve("log") + ")");
                }
            }
            if (mdss > 0) {
                if (c.createFsIfMissing(FS_NAME, Math.min(3, running))) {
                    out.println("made file system " + FS_NAME);
                }
                for (String pool : List.of(FS_NAME + "_metadata", FS_NAME + "_data")) {
                    if (!c.awaitPgsActive(pool, Duration.ofSeconds(timeoutSec))) {
                        throw new IllegalStateException("pool " + pool + "'s PGs did not all come up within " + timeoutSec
                                + "s (see " + c.dir().resolve("log") + ")");
                    }
                }
                for (int i = 0; i < mdss; i++) {
                    c.makeMds(String.valueOf((char) ('a' + i)));
                }
                for (String d : c.daemons()) {
                    if (d.startsWith("mds.")) {
                        out.println("started " + d + " (pid " + c.start(d) + ")");
                    }
                }
                out.flush();
                if (!c.awaitFsActive(FS_NAME, Duration.ofSeconds(timeoutSec))) {
                    throw new IllegalStateException("no MDS became active for " + FS_NAME + " within " + timeoutSec
                            + "s (see " + c.dir().resolve("log") + ")");
                }
            }
            out.print(c.awaitQuorum(Duration.ofSeconds(timeoutSec)));
            out.println("\nconfig: " + c.conf() + "  (e.g. bin/cairn -c " + c.conf() + " status)");
            return 0;
        }
    }

    @Command(name = "bootstrap", mixinStandardHelpOptions = true,
            description = "On a cluster's first host: write DIR/cairn.conf (a new fsid, this monitor as mon_host), "
                    + "start the monitor on HOST:PORT and wait until it answers. Copy the config to the other hosts, "
                    + "then grow the cluster with cluster add-mon and osd prepare/activate.")
    public static final class Bootstrap implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", defaultValue = DIR_DEFAULT, description = "Cluster directory on this host (default "
                + "${DEFAULT-VALUE}): config, daemon data, pid files, logs.")
        Path dir;

        @Option(names = "--mon-id", defaultValue = "a", description = "The first monitor's id (default ${DEFAULT-VALUE}).")
        String monId;

        @Option(names = "--mon-addr", required = true, paramLabel = "HOST:PORT",
                description = "Where it serves: this host's address (never a wildcard), its Raft port 1000 higher.")
        String monAddr;

        @Option(names = "--timeout", defaultValue = "90", description = "Seconds to wait for it (default ${DEFAULT-VALUE}).")
        int timeoutSec;

        @Override
        public Integer call() throws IOException {
            LocalCluster c = new LocalCluster(dir);
            PrintWriter out = spec.commandLine().getOut();
            String fsid = c.writeBootstrapConf(monId, monAddr);
            out.println("wrote " + c.conf() + " (fsid " + fsid + ")");
            out.println("started mon." + monId + " (pid " + c.start("mon." + monId) + ")");
            out.flush();
            out.print(c.awaitQuorum(Duration.ofSeconds(timeoutSec)));
            out.println("\nnext: copy " + c.conf() + " to each host; there run cairn cluster add-mon --id ID --addr "
                    + "HOST:PORT, and cairn osd prepare --data DEV|DIR then cairn osd activate N");
            return 0;
        }
    }

    @Command(name = "add-mon", mixinStandardHelpOptions = true,
            description = "On a new monitor's host, with the cluster's config in DIR: give it a [mon.ID] section with "
                    + "public_addr, start it, and let it in with mon add once it answers (it catches up first).")
    public static final class AddMon implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", defaultValue = DIR_DEFAULT, description = "Cluster directory on this host (default "
                + "${DEFAULT-VALUE}), holding a copy of the cluster's cairn.conf.")
        Path dir;

        @Option(names = "--id", required = true, description = "The new monitor's id.")
        String id;

        @Option(names = "--addr", required = true, paramLabel = "HOST:PORT", description = "Where it serves.")
        String addr;

        @Option(names = "--timeout", defaultValue = "90", description = "Seconds to wait for it (default ${DEFAULT-VALUE}).")
        int timeoutSec;

        @Override
        public Integer call() throws IOException {
            LocalCluster c = new LocalCluster(dir);
            requireConf(c);
            PrintWriter out = spec.commandLine().getOut();
            c.addMonitorConf(id, addr);
            out.println("started mon." + id + " (pid " + c.start("mon." + id) + ")");
            out.flush();
            out.println(c.letMonitorIn(id, addr, Duration.ofSeconds(timeoutSec)));
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop every daemon of the cluster (data stays).")
    public static final class Down implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", defaultValue = DIR_DEFAULT, description = "Cluster directory (default ${DEFAULT-VALUE}).")
        Path dir;

        @Override
        public Integer call() throws IOException {
            LocalCluster c = new LocalCluster(dir);
            requireConf(c);
            // OSDs first: a stopping OSD tells the monitors it is going down, which needs them up
            for (String d : c.daemons().reversed()) {
                spec.commandLine().getOut().println((c.stop(d, false) ? "stopped " : "not running: ") + d);
            }
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop daemons by name (mon.b): SIGTERM, or SIGKILL with --kill.")
    public static final class Stop implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", defaultValue = DIR_DEFAULT, description = "Cluster directory (default ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--kill", description = "SIGKILL instead of SIGTERM (a crash).")
        boolean kill;

        @Parameters(arity = "1..*", paramLabel = "NAME")
        List<String> names;

        @Override
        public Integer call() throws IOException {
            LocalCluster c = new LocalCluster(dir);
            requireConf(c);
            for (String n : names) {
                spec.commandLine().getOut().println((c.stop(n, kill) ? (kill ? "killed " : "stopped ") : "not running: ") + n);
            }
            return 0;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start daemons by name (mon.b).")
    public static final class Start implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", defaultValue = DIR_DEFAULT, description = "Cluster directory (default ${DEFAULT-VALUE}).")
        Path dir;

        @Parameters(arity = "1..*", paramLabel = "NAME")
        List<String> names;

        @Override
        public Integer call() throws IOException {
            LocalCluster c = new LocalCluster(dir);
            requireConf(c);
            for (String n : names) {
                spec.commandLine().getOut().println("started " + n + " (pid " + c.start(n) + ")");
            }
            return 0;
        }
    }

    @Command(name = "jvm-args", mixinStandardHelpOptions = true,
            description = "Print, one per line, the JVM flags daemon NAME (osd.0, mon.a) runs with under -c CONF: "
                    + "sized from its memory target, then daemon_jvm_args. bin/cairn-daemon starts daemons with them.")
    public static final class JvmArgs implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            if (!name.matches("(mon|osd|mds)\\.[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("daemon name is TYPE.ID with TYPE mon, osd or mds, not '" + name + "'");
            }
            io.cairn.common.cli.GlobalOptions g = (io.cairn.common.cli.GlobalOptions) spec.root().userObject();
            if (g.conf() == null) {
                throw new IllegalArgumentException("jvm-args needs -c CONF");
            }
            io.cairn.common.config.CairnConfig config = io.cairn.common.config.CairnConfig.load(g.conf(), name,
                    java.util.Map.of());
            DaemonJvmOptions.forDaemon(config, Runtime.getRuntime().availableProcessors()).flags()
                    .forEach(spec.commandLine().getOut()::println);
            return 0;
        }
    }

    static void requireConf(LocalCluster c) {
        if (!java.nio.file.Files.exists(c.conf())) {
            throw new IllegalArgumentException("no cluster at " + c.dir() + " (no cairn.conf); run cairn cluster up");
        }
    }
}
