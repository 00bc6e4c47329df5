package io.cairn.deploy;

import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JVM flags a launched daemon runs with, sized from its memory target
 * ({@code osd_memory_target}, {@code mon_memory_target}) because a JVM's heap is fixed when it
 * starts. Left to itself the JVM takes a quarter of the machine's memory per daemon and G1 fills
 * it with garbage before collecting: an OSD whose live heap is tens of MiB sat at 2–3 GiB of RSS.
 *
 * <p>Sizing: the heap holds little but operations in flight (an OSD's live set under load is about
 * 25 MiB; its metadata lives in the memory-mapped database and its data on the disk, both outside
 * it), so it gets a twenty-fourth of the target, at least 192 MiB: every page of it is touched
 * once the load has filled it, so it is resident whether the collector needs it or not (256 MiB
 * gave the same throughput and ~60 MiB more RSS per OSD). Direct buffers, the network's receive
 * and send buffers, get a sixteenth but at least 256 MiB (two 90 MiB writes in flight and then
 * some), in one Netty arena per 256 MiB (each arena keeps its own chunks: the default of two per
 * core kept ~40 MiB more per OSD resident for no gain in throughput). The rest of the target is
 * the page cache's and what the JVM takes itself (code, metaspace, thread stacks). The heap starts
 * at 64 MiB and grows only as the live set asks. The serial collector serves heaps of up to 1 GiB:
 * with little live data its young collections take milliseconds and it keeps no collector threads
 * competing with the data path. Netty's leak detector is off: it records a stack trace for one
 * buffer in 128, about 1% of an OSD's CPU, to find leaks that tests look for instead. The
 * environment bounds glibc's malloc arenas ({@link #environment}).
 */
record DaemonJvmOptions(long heapMaxBytes, long directMaxBytes, boolean c1Only, List<String> extra) {
    static final long MIB = 1L << 20;
    static final long HEAP_START_BYTES = 64 * MIB;
    static final long HEAP_MIN_BYTES = 192 * MIB;
    static final long DIRECT_MIN_BYTES = 256 * MIB;
    static final long DIRECT_BYTES_PER_ARENA = 256 * MIB;
    static final int HEAP_SHARE_OF_TARGET = 24;
    static final int DIRECT_SHARE_OF_TARGET = 16;
    /** Off in daemons: see the class comment. */
    static final String NETTY_LEAK_DETECTION_OFF = "-Dio.grpc.netty.shaded.io.netty.leakDetection.level=disabled";
    /** gRPC's shaded Netty reads its allocator settings from properties under its own prefix. */
    static final String NETTY_ARENAS_PROPERTY = "io.grpc.netty.shaded.io.netty.allocator.numDirectArenas";
    static final long SERIAL_GC_MAX_HEAP_BYTES = 1L << 30;
    /** Hosts with at most this many cores run daemons on C1 alone under {@code daemon_jit=auto}. */
    static final int C1_MAX_CORES = 4;

    DaemonJvmOptions {
        extra = List.copyOf(extra);
    }

    /**
     * The flags for the daemon whose entity {@code config} was loaded for ({@code osd.0},
     * {@code mon.a}); a daemon type without a memory target gets the JVM's own heap sizing.
     */
    static DaemonJvmOptions forDaemon(CairnConfig config, int cores) {
        long target = switch (config.entityType()) {
            case "osd" -> config.get(CairnConfigKeys.Osd.MEMORY_TARGET);
            case "mon" -> config.get(CairnConfigKeys.Mon.MEMORY_TARGET);
            default -> 0;
        };
        String jit = config.get(CairnConfigKeys.Global.DAEMON_JIT);
        boolean c1 = jit.equals("c1") || (jit.equals("auto") && cores <= C1_MAX_CORES);
        List<String> extra = splitArgs(config.get(CairnConfigKeys.Global.DAEMON_JVM_ARGS));
        if (target == 0) {
            return new DaemonJvmOptions(0, 0, c1, extra);
        }
        long heap = target / HEAP_SHARE_OF_TARGET / MIB * MIB;
        long direct = target / DIRECT_SHARE_OF_TARGET / MIB * MIB;
        return new DaemonJvmOptions(Math.max(HEAP_MIN_BYTES, heap), Math.max(DIRECT_MIN_BYTES, direct), c1, extra);
    }

    /** Whether the heap is small enough for the serial collector (no heap flags: the JVM chooses). */
    boolean serialGc() {
        return heapMaxBytes > 0 && heapMaxBytes <= SERIAL_GC_MAX_HEAP_BYTES;
    }

    /**
     * The environment a daemon's JVM starts with. glibc gives each thread that allocates its own
     * malloc arena, up to eight per core, and keeps what an arena once held: with an OSD's
     * network, store and op threads that was tens of MiB of RSS beyond the JVM's own accounting.
     * Two arenas cost no throughput here.
     */
    static Map<String, String> environment() {
        return Map.of("MALLOC_ARENA_MAX", "2");
    }

    List<String> flags() {
        List<String> f = new ArrayList<>();
        f.add(NETTY_LEAK_DETECTION_OFF);
        if (heapMaxBytes > 0) {
            f.add("-Xms" + Math.min(HEAP_START_BYTES, heapMaxBytes) / MIB + "m");
            f.add("-Xmx" + heapMaxBytes / MIB + "m");
            f.add("-XX:MaxDirectMemorySize=" + directMaxBytes / MIB + "m");
            f.add("-D" + NETTY_ARENAS_PROPERTY + "=" + Math.max(1, directMaxBytes / DIRECT_BYTES_PER_ARENA));
            // a daemon out of heap is restarted whole rather than left half-working
            f.add("-XX:+ExitOnOutOfMemoryError");
        }
        if (serialGc()) {
            f.add("-XX:+UseSerialGC");
            // half the heap young: payloads in flight die young instead of being promoted whole
            f.add("-XX:NewRatio=1");
        }
        if (c1Only) {
            f.add("-XX:TieredStopAtLevel=1");
        }
        f.addAll(extra);
        return f;
    }

    static List<String> splitArgs(String s) {
        return s == null || s.isBlank() ? List.of() : List.of(s.strip().split("\\s+"));
    }
}
