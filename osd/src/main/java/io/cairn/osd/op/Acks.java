package io.cairn.osd.op;

import io.cairn.osd.pg.PgQueue;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * Gathers the acks of one write (the local commit and each replica's) on the PG's own queue: a
 * gRPC or store-commit thread only posts, and what follows the last ack — the reply, a
 * re-peering after a failure — runs on the PG's queue, never on the thread that delivered it.
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
        int[] waiting = {acks.size()};
        Throwable[] first = {null};
        for (CompletableFuture<?> ack : acks) {
            ack.whenComplete((v, e) -> {
                try {
                    queue.post(() -> {
                        if (e != null && first[0] == null) {
                            first[0] = e;
                        }
                        if (--waiting[0] == 0) {
                            if (first[0] == null) {
                                all.complete(null);
                            } else {
                                all.completeExceptionally(first[0]);
                            }
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
