package io.cairn.osd.op;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.osdmap.PgId;
import io.cairn.objectstore.ObjectId;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Writes to the chunk a scrub compares wait; the scrub waits for the writes already under way. */
class WriteGateTest {
    private static final PgId PG = new PgId(1, 0);
    private static final Object LOCK = new Object();

    private static ObjectId at(int hash) {
        return new ObjectId("o" + hash, "", ObjectId.HEAD, hash);
    }

    @Test
    void onlyWritesInsideTheBlockedRangeWait() {
        WriteGate gate = new WriteGate(pg -> LOCK);
        assertTrue(gate.block(PG, Optional.of(at(10)), Optional.of(at(20))).isDone(), "nothing under way");
        assertFalse(gate.waitFor(PG, at(10)).isPresent(), "the range starts after its first bound");
        assertFalse(gate.waitFor(PG, at(21)).isPresent());
        assertFalse(gate.waitFor(new PgId(1, 1), at(15)).isPresent(), "other PGs are not held");
        CompletableFuture<Void> held = gate.waitFor(PG, at(20)).orElseThrow();
        assertTrue(gate.waitFor(PG, at(11)).isPresent());
        assertFalse(held.isDone());
        assertTrue(gate.unblock(PG), "a write waited: the next chunk is smaller");
        assertTrue(held.isDone());
        assertFalse(gate.waitFor(PG, at(15)).isPresent());
    }

    @Test
    void openBoundsCoverTheRestOfThePg() {
        WriteGate gate = new WriteGate(pg -> LOCK);
        gate.block(PG, Optional.of(at(100)), Optional.empty());
        assertTrue(gate.waitFor(PG, at(-1)).isPresent(), "hashes compare unsigned: 0xffffffff is last");
        gate.unblock(PG);
        gate.block(PG, Optional.empty(), Optional.of(at(5)));
        assertTrue(gate.waitFor(PG, at(0)).isPresent());
        assertFalse(gate.waitFor(PG, at(6)).isPresent());
        gate.unblock(PG);
    }

    @Test
    void theScrubStartsOnceTheWritesUnderWayAreDone() {
        WriteGate gate = new WriteGate(pg -> LOCK);
        CompletableFuture<Void> write = new CompletableFuture<>();
        gate.track(PG, write);
        CompletableFuture<Void> drained = gate.block(PG, Optional.empty(), Optional.empty());
        assertFalse(drained.isDone());
        write.completeExceptionally(new RuntimeException("a replica failed"));
        assertTrue(drained.isDone() && !drained.isCompletedExceptionally(), "a failed write is done too");
        assertFalse(gate.unblock(PG), "no write waited");
    }

    @Test
    void blockingTwiceOrUnblockingWhatIsNotBlockedIsABug() {
        WriteGate gate = new WriteGate(pg -> LOCK);
        gate.block(PG, Optional.empty(), Optional.empty());
        assertThrows(IllegalStateException.class, () -> gate.block(PG, Optional.empty(), Optional.empty()));
        gate.unblock(PG);
        assertThrows(IllegalStateException.class, () -> gate.unblock(PG));
    }
}
