package io.cairn.osd.op;

import io.cairn.osd.pg.PgQueue;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Gathers the acks of one write (the local commit and each replica's). A delivering thread — gRPC
 * or the store's commit thread — only counts down; the last one posts the outcome to the PG's own
 * queue, so what follows the last ack (the reply, a re-peering after a failure) runs there, never
 * on the thread that delivered it, and costs one hand-off per write rather than one per ack.
 */
final class Acks {
    private Acks() {}

    /** Completes once every ack is in, failed with the first failure if any failed. */
    static CompletableFuture<Void> all(List<CompletableFuture<?>> acks, PgQueue queue) {
        CompletableFuture<Void> all = new CompletableFuture<>();
        if (acks.isEmpty()) {
            all.complete(null);
            return all;
        }
        AtomicInteger waiting = new AtomicInteger(acks.size());
        AtomicReference<Throwable> first = new AtomicReference<>();
        for (CompletableFuture<?> ack : acks) {
            ack.whenComplete((v, e) -> {
                if (e != null) {
                    first.compareAndSet(null, e);
                }
                if (waiting.decrementAndGet() != 0) {
                    return;
                }
                try {
                    queue.post(() -> {
                        Throwable failed = first.get();
                        if (failed == null) {
                            all.complete(null);
                        } else {
                            all.completeExceptionally(failed);
                        }
                    });
                } catch (RejectedExecutionException rejected) {
                    // the OSD is stopping (or the queue overflowed): the write has not been acked everywhere
                    all.completeExceptionally(rejected);
                }
            });
        }
        return all;
    }
}
