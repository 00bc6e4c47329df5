package io.cairn.deploy;

import io.cairn.common.mon.MonClient;
import io.cairn.common.CairnException;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.net.HostPort;
import io.cairn.proto.v1.CommandReply;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A cluster on this machine under one directory: {@code cairn.conf}, one data directory per
 * daemon, {@code <name>.pid} files and {@code log/<name>.log}. Daemons run as separate JVMs
 * (this jar, {@code cairn mon --id X}), bound to 127.0.0.1, and are stopped by the PID they were
 * started with — after checking the PID still belongs to that daemon.
 */
public final class LocalCluster {
    public static final int BASE_PORT_DEFAULT = 6789;
    private static final long STOP_GRACE_MS = 15_000;

    private final Path dir;
    private final Path conf;

    public LocalCluster(Path dir) {
        this(dir, dir.resolve("cairn.conf"));
    }

    /** A host's daemons under {@code dir} (their run_dir) with the config at {@code conf}, wherever it lives. */
    public LocalCluster(Path dir, Path conf) {
        this.dir = dir.toAbsolutePath().normalize();
        this.conf = conf.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    public Path conf() {
        return conf;
    }

    /** Writes cairn.conf for {@code mons} monitors from {@code basePort}, unless one exists. */
    public boolean writeConfIfMissing(int mons, int basePort) throws IOException {
        if (Files.exists(conf())) {
            return false;
        }
        if (mons < 1 || mons > 7) {
            throw new IllegalArgumentException("--mons must be 1..7, not " + mons);
        }
        List<String> hosts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < mons; i++) {
            int port = basePort + i;
            for (int p : new int[] {port, port + 1000, port + 2000}) {
                if (!portFree(p)) {
                    throw new IllegalArgumentException("port " + p + " on 127.0.0.1 is in use; pick another --base-port");
                }
            }
            hosts.add("127.0.0.1:" + port);
            names.add(String.valueOf((char) ('a' + i)));
        }
        Files.createDirectories(dir.resolve("log"));
        String text = "# written by `cairn cluster up`; edit and restart daemons to change\n"
                + "[global]\n"
                + "fsid = " + java.util.UUID.randomUUID() + "\n"
                + "mon_host = " + String.join(",", hosts) + "\n"
                + "mon_initial_members = " + String.join(",", names) + "\n"
                + "run_dir = " + dir + "\n"
                + "\n[mon]\n"
                + "# mon_data defaults to run_dir/mon.<id>\n";
        Files.writeString(conf(), text, StandardCharsets.UTF_8);
        return true;
    }

    /**
     * Writes cairn.conf for a cluster's first monitor on a real host: a new fsid, {@code mon_host}
     * = {@code addr}; the monitors added later get a {@code [mon.NAME]} section each. Refuses to
     * overwrite a config.
     */
    public String writeBootstrapConf(String monId, String addr) throws IOException {
        if (Files.exists(conf())) {
            throw new IllegalArgumentException(conf() + " exists: this host already has a cluster (cairn cluster down, "
                    + "and remove " + dir + ", to start over)");
        }
        requireNewMonitor(monId, addr);
        String fsid = java.util.UUID.randomUUID().toString();
        Files.createDirectories(dir.resolve("log"));
        String text = "# written by `cairn cluster bootstrap`; copy it to every host of the cluster\n"
                + "[global]\n"
                + "fsid = " + fsid + "\n"
                + "mon_host = " + addr + "\n"
                + "mon_initial_members = " + monId + "\n"
                + "run_dir = " + dir + "\n";
        Files.writeString(conf(), text, StandardCharsets.UTF_8);
        return fsid;
    }

    /**
     * Refuses, before anything is written or started, a bad monitor id or an address whose ports
     * (public, Raft +1000, metrics +2000) cannot be bound here; the monitors check the same again.
     */
    private static void requireNewMonitor(String id, String addr) {
        if (!id.matches("[a-z0-9][a-z0-9_-]{0,31}")) {
            throw new IllegalArgumentException("bad monitor id '" + id + "' (lower-case letters, digits, - and _)");
        }
        HostPort hp;
        try {
            hp = HostPort.parse(addr);
        } catch (io.cairn.common.CairnException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (hp.port() < 1 || hp.port() > 65535 - 2000) {
            throw new IllegalArgumentException("bad port in '" + addr + "': a monitor also takes PORT+1000 for Raft "
                    + "and PORT+2000 for metrics");
        }
        for (int p : new int[] {hp.port(), hp.port() + 1000, hp.port() + 2000}) {
            if (!portFree(hp.host(), p)) {
                throw new IllegalArgumentException("port " + p + " on " + hp.host() + " is in use or not this host's");
            }
        }
    }

    /** Adds lines to cairn.conf (e.g. a [global] section of overrides); daemons read it at start. */
    public void appendConf(String text) throws IOException {
        Files.writeString(conf(), text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    }

    static boolean portFree(int port) {
        return portFree("127.0.0.1", port);
    }

    static boolean portFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Daemons of this cluster: the monitors its config names, then every OSD made under it. */
    public List<String> daemons() {
        CairnConfig c = CairnConfig.load(conf(), "client.admin", Map.of());
        List<String> out = new ArrayList<>();
        String members = c.get(io.cairn.common.config.CairnConfigKeys.Global.MON_INITIAL_MEMBERS);
        for (String m : members.split("\\s*,\\s*")) {
            if (!m.isEmpty()) {
                out.add("mon." + m);
            }
        }
        for (String m : addedMonitors()) {
            if (!out.contains("mon." + m)) {
                out.add("mon." + m);
            }
        }
        for (int id : osdIds()) {
            out.add("osd." + id);
        }
        for (String m : mdsNames()) {
            out.add("mds." + m);
        }
        return out;
    }

    /** Names of the MDS daemons made under this cluster's directory (a, b, ... each with a directory mds.NAME). */
    public List<String> mdsNames() {
        List<String> names = new ArrayList<>();
        try (var dirs = Files.list(dir)) {
            for (Path p : dirs.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith("mds.") && Files.isDirectory(p)) {
                    names.add(name.substring(4));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        names.sort(null);
        return names;
    }

    /** Makes MDS {@code name} under this directory unless it exists (it keeps no data of its own: its directory marks it). */
    public boolean makeMds(String name) throws IOException {
        Path d = dir.resolve("mds." + name);
        if (Files.isDirectory(d)) {
            return false;
        }
        Files.createDirectories(d);
        return true;
    }

    /**
     * Creates file system {@code name} on pools NAME_metadata and NAME_data (made if missing, replicated
     * {@code size} ways) unless the monitors already know it; true if it was made now.
     */
    public boolean createFsIfMissing(String name, int size) {
        createPoolIfMissing(name + "_metadata", size);
        createPoolIfMissing(name + "_data", size);
        CairnConfig c = CairnConfig.load(conf(), "client.admin", Map.of());
        try (MonClient mon = MonClient.fromConfig(c)) {
            for (var fs : mon.getFsMap().getFilesystemsList()) {
                if (fs.getName().equals(name)) {
                    return false;
                }
            }
            CommandReply r = mon.command("fs new", Map.of("fs_name", name, "metadata", name + "_metadata",
                    "data", name + "_data"));
            if (r.getCode() != 0) {
                throw new IllegalStateException("creating file system " + name + ": " + r.getMessage());
            }
            return true;
        }
    }

    private static final java.util.regex.Pattern MON_SECTION = java.util.regex.Pattern.compile(
            "(?m)^\\s*\\[mon\\.([a-z0-9][a-z0-9_-]*)\\]\\s*$");

    /** Monitors given a section of their own in cairn.conf (those added after the initial members). */
    private List<String> addedMonitors() {
        try {
            java.util.regex.Matcher m = MON_SECTION.matcher(Files.readString(conf()));
            List<String> names = new ArrayList<>();
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Writes a {@code [mon.NAME]} section with its public address, so {@link #start} can run a
     * monitor that is not an initial member; {@code cairn mon add NAME ADDR} then lets it in.
     */
    public String addMonitorConf(String name, String addr) throws IOException {
        if (daemons().contains("mon." + name)) {
            throw new IllegalArgumentException("mon." + name + " already exists in " + conf());
        }
        requireNewMonitor(name, addr);
        appendConf("\n[mon." + name + "]\npublic_addr = " + addr + "\n");
        return addr;
    }

    /**
     * {@code mon add NAME ADDR}, repeated while the new monitor is still starting (the monitors
     * refuse one that does not answer yet); returns the monitors' message.
     */
    public String letMonitorIn(String name, String addr, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CairnConfig c = CairnConfig.load(conf(), "client.admin", Map.of());
        try (MonClient mon = MonClient.fromConfig(c)) {
            while (true) {
                CommandReply r = mon.command("mon add", Map.of("name", name, "addr", addr));
                if (r.getCode() == 0) {
                    return r.getMessage();
                }
                if (!r.getMessage().contains("must be running") || System.nanoTime() > deadline) {
                    throw new IllegalStateException("mon add " + name + ": " + r.getMessage());
                }
                if (daemons().contains("mon." + name) && runningOrNull("mon." + name) == null) {
                    throw new IllegalStateException("mon." + name + " exited; see " + dir.resolve("log")
                            .resolve("mon." + name + ".log"));
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                }
            }
        }
    }

    /** Ids of the OSDs made under this cluster's directory (those with a whoami file). */
    public List<Integer> osdIds() {
        List<Integer> ids = new ArrayList<>();
        try (var dirs = Files.list(dir)) {
            for (Path p : dirs.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith("osd.") && Files.exists(p.resolve("whoami"))) {
                    try {
                        ids.add(Integer.parseInt(name.substring(4)));
                    } catch (NumberFormatException e) {
                        // not one of ours
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ids.sort(null);
        return ids;
    }

    /**
     * Makes OSD {@code id} under this directory unless it exists: its own CRUSH host (one machine
     * stands in for many, so replicas still land on distinct "hosts"), its data dir, its store.
     */
    public boolean makeOsd(int id, long storeBytes) throws IOException {
        Path data = dir.resolve("osd." + id);
        if (Files.exists(data.resolve("whoami"))) {
            return false;
        }
        appendConf("\n[osd." + id + "]\ncrush_location = host=host-" + id + "\n");
        io.cairn.osd.OsdDaemon.mkfs(data, id, java.util.UUID.randomUUID().toString(), storeBytes);
        return true;
    }

    /** Creates a replicated pool of {@code size} (32 PGs) unless it exists. */
    public void createPoolIfMissing(String pool, int size) {
        CairnConfig c = CairnConfig.load(conf(), "client.admin", Map.of());
        try (MonClient mon = MonClient.fromConfig(c)) {
            if (mon.getMap(0).pool(pool) == null) {
                CommandReply r = mon.command("osd pool create", Map.of("pool", pool, "pg_num", "32",
                        "size", Integer.toString(size)));
                if (r.getCode() != 0) {
                    throw new IllegalStateException("creating pool " + pool + ": " + r.getMessage());
                }
            }
        }
    }

    /** Waits until rank 0 of file system {@code name} has an active MDS; false on timeout. */
    public boolean awaitFsActive(String name, Duration timeout) {
        CairnConfig c = CairnConfig.load(conf(), "client.admin", Map.of());
        long deadline = System.nanoTime() + timeout.toNanos();
        try (MonClient mon = MonClient.fromConfig(c)) {
            while (System.nanoTime() < deadline) {
                if (io.cairn.client.fs.FsMaps.activeAddress(mon.getFsMap(), name) != null) {
                    return true;
                }
                io.cairn.common.time.Pause.ms(200);
            }
        }
        return false;
    }

    /** True when {@code pg stat}'s line ("N pgs: 3 active+clean, 1 active+undersized+degraded; ...") lists only active states. */
    static boolean allActive(String pgStat) {
        int from = pgStat.indexOf("pgs: ");
        int to = pgStat.indexOf(';', Math.max(from, 0));
        if (from < 0 || to < 0) {
            return false;
        }
        for (String part : pgStat.substring(from + 5, to).split(",")) {
            String[] countState = part.trim().split(" ", 2);
            if (countState.length != 2 || !countState[1].startsWith("active") || countState[1].contains("peer")) {
                return false;
            }
        }
        return true;
    }

    /** Waits until every PG of a pool has its full acting set up and reports active; false on timeout. */
    public boolean awaitPgsActive(String pool, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CairnConfig c = CairnConfig.load(conf(), "client.admin", Map.of());
        try (MonClient mon = MonClient.fromConfig(c)) {
            while (System.nanoTime() < deadline) {
                io.cairn.common.osdmap.OsdMap map = mon.getMap(0);
                io.cairn.common.osdmap.Pool p = map.pool(pool);
                if (p != null) {
                    boolean all = true;
                    for (int seed = 0; seed < p.pgNum() && all; seed++) {
                        all = map.mapPg(new io.cairn.common.osdmap.PgId(p.id(), seed)).acting().size() >= p.size();
                    }
                    // and every PG's primary has reported it active (not unknown, peering, activating, down)
                    if (all && allActive(mon.command("pg stat", Map.of()).getOutputPlain())) {
                        return true;
                    }
                }
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    private Path pidFile(String name) {
        return dir.resolve(name + ".pid");
    }

    /** The running process of a daemon, if its pid file names a live process that is that daemon. */
    public Optional<ProcessHandle> running(String name) throws IOException {
        Path pf = pidFile(name);
        if (!Files.exists(pf)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pf).strip());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> isDaemon(p, name));
    }

    private boolean isDaemon(ProcessHandle p, String name) {
        // a pid can be reused by an unrelated process: only trust one whose command line is ours
        String joined = commandLine(p);
        String[] typeId = name.split("\\.", 2);
        return joined.contains(conf().toString()) && joined.contains(" " + typeId[0] + " ")
                && (joined + " ").contains("--id " + typeId[1] + " ");
    }

    /** The full command line (ProcessHandle.Info truncates long ones, such as a test classpath). */
    private static String commandLine(ProcessHandle p) {
        Path proc = Path.of("/proc", Long.toString(p.pid()), "cmdline");
        try {
            if (Files.isReadable(proc)) {
                return new String(Files.readAllBytes(proc), StandardCharsets.UTF_8).replace('\0', ' ');
            }
        } catch (IOException e) {
            // fall through to what the JDK reports
        }
        return String.join(" ", p.info().arguments().orElse(new String[0]));
    }

    private ProcessHandle runningOrNull(String name) {
        try {
            return running(name).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** Refuses names this cluster does not have, before they reach a pid file path. */
    private void requireDaemon(String name) {
        if (!daemons().contains(name)) {
            throw new IllegalArgumentException("unknown daemon '" + name + "' (this cluster has " + daemons() + ")");
        }
    }

    /** Starts a daemon in the background unless it already runs; returns its pid. */
    public long start(String name) throws IOException {
        requireDaemon(name);
        Optional<ProcessHandle> r = running(name);
        if (r.isPresent()) {
            return r.get().pid();
        }
        String[] typeId = name.split("\\.", 2);
        Files.createDirectories(dir.resolve("log"));
        List<String> cmd = new ArrayList<>(JavaCommand.forThisJar());
        List<String> jvm = new ArrayList<>(List.of("-Dcairn.log.level=INFO"));
        jvm.addAll(DaemonJvmOptions.forDaemon(CairnConfig.load(conf(), name, Map.of()),
                Runtime.getRuntime().availableProcessors()).flags());
        jvm.addAll(DaemonJvmOptions.splitArgs(System.getenv("CAIRN_DAEMON_JAVA_OPTS")));
        cmd.addAll(1, jvm);
        // this host's daemons keep their data under its directory, whatever run_dir a copied config names
        cmd.addAll(List.of("-c", conf().toString(), typeId[0], "--id", typeId[1], "--run_dir", dir.toString()));
        Path log = dir.resolve("log").resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        DaemonJvmOptions.environment().forEach(pb.environment()::putIfAbsent);
        Process p = pb.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        Files.writeString(pidFile(name), Long.toString(p.pid()) + "\n");
        return p.pid();
    }

    /** Stops a daemon by its pid: SIGTERM (or SIGKILL), then waits for it to go. */
    public boolean stop(String name, boolean kill) throws IOException {
        requireDaemon(name);
        Optional<ProcessHandle> r = running(name);
        if (r.isEmpty()) {
            Files.deleteIfExists(pidFile(name));
            return false;
        }
        ProcessHandle p = r.get();
        if (kill) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
        try {
            p.onExit().get(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        Files.deleteIfExists(pidFile(name));
        return true;
    }

    /** Waits until the monitors answer {@code status}; returns its plain text. */
    public String awaitQuorum(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CairnConfig c = CairnConfig.load(conf(), "client.admin", Map.of());
        String last = "no answer";
        try (MonClient mon = MonClient.fromConfig(c)) {
            while (System.nanoTime() < deadline) {
                try {
                    CommandReply r = mon.command("status", Map.of());
                    if (r.getCode() == 0) {
                        return r.getOutputPlain();
                    }
                    last = r.getMessage();
                } catch (CairnException e) {
                    last = e.getMessage();
                }
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new IllegalStateException("the monitors did not form a quorum within " + timeout.toSeconds() + "s: " + last
                + " (see " + dir.resolve("log") + ")");
    }
}
