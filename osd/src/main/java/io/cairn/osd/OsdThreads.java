package io.cairn.osd;

import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Every thread of an OSD, by job, each pool with a bounded queue of a named size: a slow part (a
 * monitor that does not answer, a PG removal of 100,000 objects, a frozen peer) holds up only its
 * own threads. gRPC's network threads only hand calls over to these.
 */
final class OsdThreads implements AutoCloseable {
    /** PG queues' tasks (acks, peering steps) are short: a few threads carry all PGs. */
    private static final int PG_QUEUE_THREADS = 4;
    private static final int PG_QUEUE_TASKS_MAX = 65_536;
    private static final int PEERING_TASKS_MAX = 65_536;
    private static final int MON_THREADS = 2;
    private static final int MON_CALLS_MAX = 4096;
    private static final int MAPS_QUEUED_MAX = 64;
    private static final int REMOVALS_QUEUED_MAX = 65_536;

    final ThreadPoolExecutor ops;
    final ThreadPoolExecutor pgQueues;
    final ThreadPoolExecutor peering;
    final ThreadPoolExecutor mon;
    final ThreadPoolExecutor maps;
    final ThreadPoolExecutor removal;
    /** Recovery scheduling, the scrub and peering ticks. */
    final ScheduledExecutorService timers;
    final ScheduledExecutorService stats;
    final ScheduledExecutorService heartbeat;
    final ScheduledExecutorService snapTrim;

    OsdThreads(CairnConfig config) {
        int opThreads = config.get(CairnConfigKeys.Osd.Op.OP_THREADS);
        ops = pool("osd-op", opThreads, config.get(CairnConfigKeys.Osd.Op.OP_QUEUE_MAX));
        pgQueues = pool("osd-pg", PG_QUEUE_THREADS, PG_QUEUE_TASKS_MAX);
        peering = pool("osd-peering", config.get(CairnConfigKeys.Osd.Recovery.PEERING_THREADS), PEERING_TASKS_MAX);
        mon = pool("osd-mon", MON_THREADS, MON_CALLS_MAX);
        maps = pool("osd-map", 1, MAPS_QUEUED_MAX);
        removal = pool("osd-pg-remove", 1, REMOVALS_QUEUED_MAX);
        timers = Executors.newSingleThreadScheduledExecutor(named("osd-timers"));
        stats = Executors.newSingleThreadScheduledExecutor(named("osd-stats"));
        heartbeat = Executors.newSingleThreadScheduledExecutor(named("osd-heartbeat"));
        snapTrim = Executors.newSingleThreadScheduledExecutor(named("osd-snaptrim"));
    }

    static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static ThreadPoolExecutor pool(String name, int threads, int queued) {
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queued),
                named(name));
    }

    @Override
    public void close() {
        for (ExecutorService e : List.of(timers, stats, heartbeat, snapTrim, maps, removal, ops, pgQueues, peering, mon)) {
            e.shutdownNow();
        }
    }
}
