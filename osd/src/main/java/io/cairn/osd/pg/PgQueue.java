package io.cairn.osd.pg;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PG's own queue of small tasks — replica acks, peer answers, peering steps — run one at a
 * time, in order, on a shared pool. A gRPC callback posts here instead of doing the work (and
 * taking the PG's lock) on a network thread. Bounded: what is posted is bounded by the ops and
 * peering calls in flight, so a longer queue means a bug, and is refused loudly.
 */
public final class PgQueue {
    private static final Logger LOG = LoggerFactory.getLogger(PgQueue.class);
    /** Tasks waiting in one PG's queue; past it {@link #post} refuses. */
    public static final int TASKS_MAX = 65_536;

    private final String name;
    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean draining;

    public PgQueue(String name, Executor pool) {
        this.name = name;
        this.pool = pool;
    }

    /** Runs {@code task} after every task posted before it; never on the caller's thread. */
    public void post(Runnable task) {
        synchronized (tasks) {
            if (tasks.size() >= TASKS_MAX) {
                throw new RejectedExecutionException("pg " + name + " has " + TASKS_MAX + " tasks queued");
            }
            tasks.add(task);
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (tasks) {
                draining = false;
                tasks.clear();
            }
            throw e;
        }
    }

    private void drain() {
        for (int i = 0; i < TASKS_MAX; i++) {
            Runnable next;
            synchronized (tasks) {
                next = tasks.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                // the queue must keep draining: a task's failure is its own, logged loudly
                LOG.error("pg {}: queued task failed", name, e);
            }
        }
        // a long run of tasks: give the pool's other PGs a turn, then go on
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (tasks) {
                draining = false;
            }
        }
    }
}
