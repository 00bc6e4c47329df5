package io.cairn.osd.op;

import io.cairn.osd.pg.PgQueue;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Gathers the acks of one write (the local commit and each replica's). A delivering thread — the
 * network's or the store's finisher — only counts down. When all succeeded the last one completes
 * the write on the spot: what follows is the reply, which only hands its bytes to the network, and
 * a hand-off to another thread cost more than that. A failure goes to the PG's own queue, since
 * what follows it (marking the PG for re-peering) takes the PG's lock, which a network thread
 * must never wait for.
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
                Throwable failed = first.get();
                if (failed == null) {
                    all.complete(null);
                    return;
                }
                try {
                    queue.post(() -> all.completeExceptionally(failed));
                } catch (RejectedExecutionException rejected) {
                    // the OSD is stopping (or the queue overflowed): the write has not been acked everywhere
                    all.completeExceptionally(rejected);
                }
            });
        }
        return all;
    }
}
