package io.cairn.osd.pg;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.Pool;
import io.cairn.common.time.Clock;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.Transaction;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The PGs of this OSD: one {@link Pg} per PG it has dealt with, the set whose copies it holds in
 * its store, and per pool the pg_num its copies are split for (PG work on a pool waits until that
 * matches the map). Invalidating a PG here tells everyone who keeps work for it (recovery).
 */
public final class PgRegistry {
    private final ObjectStore store;
    private final PgCopies copies;
    private final Executor queuePool;
    private final Clock clock;
    private final Map<PgId, Pg> pgs = new ConcurrentHashMap<>();
    private final Set<PgId> held = ConcurrentHashMap.newKeySet();
    private final Map<Long, Integer> splitPgNums = new ConcurrentHashMap<>();
    private final List<Consumer<PgId>> onInvalidate = new CopyOnWriteArrayList<>();

    public PgRegistry(ObjectStore store, PgCopies copies, Executor queuePool, Clock clock) {
        this.store = store;
        this.copies = copies;
        this.queuePool = queuePool;
        this.clock = clock;
    }

    /** The PG's in-memory state (made on first use). */
    public Pg get(PgId id) {
        return pgs.computeIfAbsent(id, p -> new Pg(p, new PgQueue(p.toString(), queuePool),
                () -> copies.lastUpdate(CollectionId.of(p.toString())).version()));
    }

    public Object lockOf(PgId id) {
        return get(id).lock();
    }

    /** Called with each PG invalidated here, after the PG itself forgot what it served. */
    public void onInvalidate(Consumer<PgId> listener) {
        onInvalidate.add(listener);
    }

    /** The PG must peer again before it serves (its interval changed, or a member missed a write). */
    public void invalidate(PgId id) {
        Pg pg = get(id);
        synchronized (pg.lock()) {
            pg.invalidate();
            for (Consumer<PgId> l : onInvalidate) {
                l.accept(id);
            }
        }
    }

    /** PGs whose copies this OSD holds. */
    public Set<PgId> held() {
        return Set.copyOf(held);
    }

    public boolean holds(PgId id) {
        return held.contains(id);
    }

    public int heldCount() {
        return held.size();
    }

    /** This OSD no longer holds the PG (its removal is under way); true if it did. */
    public boolean release(PgId id) {
        return held.remove(id);
    }

    /** Makes sure the store has the PG's collection and meta object, and records that this OSD holds it. */
    public void ensureCollection(PgId id, OsdMap map) {
        if (held.contains(id)) {
            // made (or found) since this OSD started, and not being removed: a removal releases it first
            return;
        }
        CollectionId coll = CollectionId.of(id.toString());
        if (!store.collectionExists(coll) || !store.exists(coll, PgCopies.PGMETA)) {
            try {
                // (a copy whose removal stopped part way has no meta: it says it holds nothing)
                Transaction txn = store.collectionExists(coll) ? new Transaction().touch(coll, PgCopies.PGMETA)
                        : new Transaction().createCollection(coll, HashRange.ALL).touch(coll, PgCopies.PGMETA);
                Pool pool = map == null ? null : map.pool(id.pool());
                if (pool != null) {
                    copies.setPgNum(txn, coll, pool.pgNum());
                }
                store.queueTransactions(List.of(txn)).join();
            } catch (RuntimeException e) {
                if (!store.collectionExists(coll)) {
                    throw e;
                }
            }
        }
        held.add(id);
    }

    /** This OSD's copies of {@code pool} are split for {@code pgNum}; wakes PG work waiting for it. */
    public void markSplit(long pool, int pgNum) {
        synchronized (splitPgNums) {
            splitPgNums.put(pool, pgNum);
            splitPgNums.notifyAll();
        }
    }

    /** The pg_num this OSD's copies of {@code pool} are split for, if known yet. */
    public Optional<Integer> splitFor(long pool) {
        return Optional.ofNullable(splitPgNums.get(pool));
    }

    /** True when this OSD's copies of every pool in {@code m} are split for its pg_num. */
    public boolean splitFor(OsdMap m) {
        for (Pool p : m.pools().values()) {
            if (splitPgNums.getOrDefault(p.id(), 0) < p.pgNum()) {
                return false;
            }
        }
        return true;
    }

    /** Waits, at most {@code timeoutMs}, until {@link #splitFor(OsdMap)}; EAGAIN after. */
    public void awaitSplit(OsdMap m, long timeoutMs, int me) {
        long deadline = clock.monotonicMs() + timeoutMs;
        synchronized (splitPgNums) {
            while (!splitFor(m)) {
                long leftMs = deadline - clock.monotonicMs();
                if (leftMs <= 0) {
                    throw new CairnException(ErrorCode.EAGAIN, "osd." + me + " is still splitting PGs for epoch "
                            + m.epoch());
                }
                try {
                    splitPgNums.wait(leftMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CairnException(ErrorCode.EAGAIN, "interrupted");
                }
            }
        }
    }

    /** The PG's collection name back as a PgId, when it is one. */
    public static Optional<PgId> parse(String collection) {
        try {
            return Optional.of(PgId.parse(collection));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
