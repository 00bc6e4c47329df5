package io.cairn.objectstore.block;

import io.cairn.objectstore.Reservation;
import io.cairn.objectstore.Transaction;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Transactions queued together: applied as one atomic unit, completed through {@code future}. */
record Submission(List<Transaction> txns, CompletableFuture<Void> future) {
    boolean freesOnly() {
        return txns.stream().allMatch(Transaction::freesOnly);
    }

    Reservation reservation() {
        return txns.stream().flatMap(t -> t.reservation().stream()).findFirst().orElse(null);
    }

    void releaseReservations() {
        for (Transaction t : txns) {
            t.reservation().filter(r -> !r.released()).ifPresent(Reservation::release);
        }
    }

    long dataBytes() {
        long n = 0;
        for (Transaction t : txns) {
            for (var op : t.ops()) {
                if (op instanceof io.cairn.objectstore.Op.Write w) {
                    n += w.lengthBytes();
                }
            }
        }
        return n;
    }
}
