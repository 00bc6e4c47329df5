package io.cairn.osd.op;

import io.cairn.common.Invariants;
import io.cairn.common.osdmap.PgId;
import io.cairn.objectstore.ObjectId;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Holds back client writes to the range of a PG a scrub is comparing, as Ceph blocks writes to
 * the chunk being scrubbed: a write to the range waits (it does not fail) until the chunk is
 * done, and the scrub starts only once the writes already under way have reached every member.
 * The caller checks and tracks writes under the PG's lock; {@link #block} takes the same lock.
 */
public final class WriteGate {
    /** Objects in (startAfter, end]; an empty bound is open. */
    private record Range(Optional<ObjectId> startAfter, Optional<ObjectId> end, CompletableFuture<Void> opened,
                         java.util.concurrent.atomic.AtomicBoolean waited) {
        boolean covers(ObjectId o) {
            return (startAfter.isEmpty() || o.compareTo(startAfter.get()) > 0)
                    && (end.isEmpty() || o.compareTo(end.get()) <= 0);
        }
    }

    private final Map<PgId, Range> blocked = new ConcurrentHashMap<>();
    private final Map<PgId, Set<CompletableFuture<?>>> inFlight = new ConcurrentHashMap<>();
    private final Function<PgId, Object> lockOf;

    public WriteGate(Function<PgId, Object> lockOf) {
        this.lockOf = lockOf;
    }

    /** Under the PG lock: empty if a write to {@code oid} may go now, else when to try again. */
    public Optional<CompletableFuture<Void>> waitFor(PgId pg, ObjectId oid) {
        Range r = blocked.get(pg);
        if (r == null || !r.covers(oid)) {
            return Optional.empty();
        }
        r.waited().set(true);
        return Optional.of(r.opened());
    }

    /** Under the PG lock: a write that passed {@link #waitFor} and is now under way. */
    public void track(PgId pg, CompletableFuture<?> write) {
        Set<CompletableFuture<?>> set = inFlight.computeIfAbsent(pg, p -> ConcurrentHashMap.newKeySet());
        set.add(write);
        write.whenComplete((v, e) -> set.remove(write));
    }

    /**
     * Holds back writes to (startAfter, end] of {@code pg}; the future completes once every write
     * already under way on the PG is done (failed ones included).
     */
    public CompletableFuture<Void> block(PgId pg, Optional<ObjectId> startAfter, Optional<ObjectId> end) {
        synchronized (lockOf.apply(pg)) {
            Range prev = blocked.putIfAbsent(pg, new Range(startAfter, end, new CompletableFuture<>(),
                    new java.util.concurrent.atomic.AtomicBoolean()));
            Invariants.check(prev == null, "pg " + pg + " already has a range blocked for scrub");
            Set<CompletableFuture<?>> now = inFlight.getOrDefault(pg, Set.of());
            return CompletableFuture.allOf(now.stream().map(f -> f.handle((v, e) -> null))
                    .toArray(CompletableFuture[]::new));
        }
    }

    /** Lets the held writes go; exactly once per {@link #block}. Whether any write waited. */
    public boolean unblock(PgId pg) {
        Range r;
        synchronized (lockOf.apply(pg)) {
            r = blocked.remove(pg);
        }
        Invariants.check(r != null, "pg " + pg + " has no range blocked for scrub");
        r.opened().complete(null);
        return r.waited().get();
    }
}
