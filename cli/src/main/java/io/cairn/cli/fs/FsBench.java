package io.cairn.cli.fs;

import io.cairn.cli.admin.MonCall;
import io.cairn.client.Rados;
import io.cairn.client.fs.CairnFs;
import io.cairn.client.fs.FileHandle;
import io.cairn.client.fs.FileStat;
import io.cairn.common.cli.GlobalOptions;
import io.cairn.common.cli.Json;
import io.cairn.common.cli.UserInputException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn fs bench}: metadata operations in mdtest's shape. Each of N clients (its own mount
 * and MDS session) works in a directory of its own; the phases run one after the other, every
 * client in step, and each phase's rate is all clients' operations over the phase's wall time.
 * Phases: create (empty files), stat, unlink, mkdir, rmdir; before them, untimed, a few hundred
 * rounds of each so that a fresh JVM's JIT compiler is not what the figures measure. A phase ends
 * when its last call returns: changes at their early reply, as CephFS clients see them; the MDS
 * makes them safe in its journal meanwhile.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Metadata benchmark (mdtest's phases): N clients x M files: create, stat, unlink, mkdir, rmdir.")
final class FsBench implements Callable<Integer> {
    private static final String[] PHASES = {"create", "stat", "unlink", "mkdir", "rmdir"};

    @Spec
    CommandSpec spec;

    @Option(names = "--fs", paramLabel = "NAME", description = "The file system (default: the only one).")
    String fsName;

    @Option(names = "--clients", defaultValue = "1", description = "Clients working at once (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--files", defaultValue = "1000", description = "Files (and directories) per client (default ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--warmup", defaultValue = "300", description = "Untimed rounds of every phase's operation per "
            + "client first, so a fresh JVM's compiler is not what is measured (default ${DEFAULT-VALUE}; 0 for none).")
    int warmup;

    record PhaseResult(String phase, long ops, double seconds) {
        double opsPerSec() {
            return seconds <= 0 ? 0 : ops / seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || clients > 64 || files < 1 || files > 1_000_000 || warmup < 0 || warmup > 100_000) {
            throw new UserInputException("--clients must be 1..64, --files 1..1000000 and --warmup 0..100000");
        }
        List<PhaseResult> results = new ArrayList<>();
        try (Rados rados = MonCall.rados(spec)) {
            String name = FsMount.chooseName(rados.fsMap(), fsName);
            List<CairnFs> mounts = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                for (int i = 0; i < clients; i++) {
                    mounts.add(CairnFs.mount(rados, name));
                }
                String top = "/bench." + Long.toString(System.currentTimeMillis(), 36);
                long[] dirs = new long[clients];
                FileStat topDir = mounts.get(0).mkdir(top, FileStat.S_IFDIR | 0755);
                for (int i = 0; i < clients; i++) {
                    dirs[i] = mounts.get(i).mkdir(topDir.ino(), "client." + i, FileStat.S_IFDIR | 0755).ino();
                }
                if (warmup > 0) {
                    for (String phase : PHASES) {
                        runPhase(pool, mounts, dirs, phase, "w.", warmup);
                    }
                }
                for (String phase : PHASES) {
                    results.add(runPhase(pool, mounts, dirs, phase, "", files));
                }
                for (int i = 0; i < clients; i++) {
                    mounts.get(0).rmdir(topDir.ino(), "client." + i);
                }
                mounts.get(0).rmdir(top);
            } finally {
                pool.shutdownNow();
                mounts.forEach(CairnFs::close);
            }
        }
        print(results);
        return 0;
    }

    private PhaseResult runPhase(ExecutorService pool, List<CairnFs> mounts, long[] dirs, String phase, String prefix,
            int count) throws Exception {
        List<Future<?>> running = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < mounts.size(); c++) {
            CairnFs fs = mounts.get(c);
            long dir = dirs[c];
            running.add(pool.submit(() -> {
                for (int i = 0; i < count; i++) {
                    String n = prefix + "f." + i;
                    switch (phase) {
                        case "create" -> {
                            try (FileHandle h = fs.create(dir, n, FileStat.S_IFREG | 0644, true)) {
                                h.ino();
                            }
                        }
                        case "stat" -> fs.lookup(dir, n);
                        case "unlink" -> fs.unlink(dir, n);
                        case "mkdir" -> fs.mkdir(dir, prefix + "d." + i, FileStat.S_IFDIR | 0755);
                        case "rmdir" -> fs.rmdir(dir, prefix + "d." + i);
                        default -> throw new IllegalStateException("unknown phase " + phase);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new PhaseResult(phase, (long) count * mounts.size(), seconds);
    }

    private void print(List<PhaseResult> results) {
        PrintWriter out = spec.commandLine().getOut();
        GlobalOptions g = (GlobalOptions) spec.root().userObject();
        if (g.format().isJson()) {
            List<Object> rows = new ArrayList<>();
            for (PhaseResult r : results) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("phase", r.phase());
                m.put("clients", clients);
                m.put("ops", r.ops());
                m.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
                m.put("ops_per_sec", Math.round(r.opsPerSec() * 10) / 10.0);
                rows.add(m);
            }
            out.println(Json.write(rows, g.format() == io.cairn.common.cli.OutputFormat.JSON_PRETTY));
        } else {
            out.printf("%-8s %8s %10s %10s %12s%n", "phase", "clients", "ops", "seconds", "ops/s");
            for (PhaseResult r : results) {
                out.printf("%-8s %8d %10d %10.3f %12.1f%n", r.phase(), clients, r.ops(), r.seconds(), r.opsPerSec());
            }
        }
        out.flush();
    }
}
