package io.cairn.osd.pg;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Pool;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.Transaction;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every new map means for this OSD's PGs, on an executor of its own (never the map
 * follower's thread): PGs whose interval changed must peer again, PGs whose pool's pg_num grew are
 * split, copies of deleted pools are removed, every PG the OSD is now in gets its collection, and
 * the PGs it leads are brought to serving. Maps are handled one at a time, in order; when several
 * arrive while one is handled, the newest is handled next against the last one handled.
 */
public final class PgMapHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PgMapHandler.class);

    /** What else a new map concerns (the daemon's parts outside the PGs). */
    public interface Listener {
        void mapHandled(OsdMap m);
    }

    private final PgRegistry registry;
    private final MapHistory history;
    private final PgSplitter splitter;
    private final PgCopies copies;
    private final ObjectStore store;
    private final PgRemover remover;
    private final PgActivator activator;
    private final ExecutorService executor;
    private final Listener listener;
    private final int me;
    private final AtomicReference<OsdMap> pending = new AtomicReference<>();
    private OsdMap lastHandled;

    public PgMapHandler(PgRegistry registry, MapHistory history, PgSplitter splitter, PgCopies copies,
                        ObjectStore store, PgRemover remover, PgActivator activator, ExecutorService executor,
                        Listener listener, int me) {
        this.registry = registry;
        this.history = history;
        this.splitter = splitter;
        this.copies = copies;
        this.store = store;
        this.remover = remover;
        this.activator = activator;
        this.executor = executor;
        this.listener = listener;
        this.me = me;
    }

    /** The map follower's listener: records the map and hands it to this handler's thread. */
    public void onMap(OsdMap m) {
        history.add(m);
        if (pending.getAndSet(m) == null) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                pending.set(null);
            }
        }
    }

    private void drain() {
        OsdMap m = pending.getAndSet(null);
        if (m == null) {
            return;
        }
        try {
            handle(lastHandled, m);
            lastHandled = m;
        } catch (RuntimeException e) {
            LOG.error("handling map epoch {} failed", m.epoch(), e);
        }
    }

    private void handle(OsdMap prev, OsdMap m) {
        for (PgId id : registry.held()) {
            if (prev == null || intervalChanged(prev, m, id)) {
                registry.invalidate(id);
            }
        }
        splitPools(m);
        for (PgId id : registry.held()) {
            if (m.pool(id.pool()) == null) {
                remover.remove(id, "its pool was deleted");
            }
        }
        for (Pool p : m.pools().values()) {
            for (int seed = 0; seed < p.pgNum(); seed++) {
                PgId id = new PgId(p.id(), seed);
                PgMapping pm = m.mapPg(id);
                if (!pm.acting().contains(me)) {
                    continue;
                }
                if (!registry.holds(id)) {
                    registry.ensureCollection(id, m);
                }
                // bring lagging members up now rather than at the next client op
                if (pm.actingPrimary() == me) {
                    activator.ensureActive(m, id, pm);
                }
            }
        }
        listener.mapHandled(m);
    }

    /** Every map between the two is in the history: any of them may have changed the interval. */
    private boolean intervalChanged(OsdMap prev, OsdMap m, PgId id) {
        for (int e = prev.epoch(); e < m.epoch(); e++) {
            Optional<OsdMap> a = e == prev.epoch() ? Optional.of(prev) : history.get(e);
            Optional<OsdMap> b = e + 1 == m.epoch() ? Optional.of(m) : history.get(e + 1);
            if (a.isEmpty() || b.isEmpty()) {
                return true;
            }
            Pool pa = a.get().pool(id.pool());
            Pool pb = b.get().pool(id.pool());
            if (pa == null || pb == null || pa.pgNum() != pb.pgNum()
                    || !IntervalCheck.sameInterval(a.get().mapPg(id), b.get().mapPg(id))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Splits this OSD's copies of every PG whose pool's pg_num grew, before any PG work on that
     * pool uses the new map (it waits in {@link MapGate#atLeast} until the split is done).
     */
    private void splitPools(OsdMap m) {
        List<PgId> local = null;
        for (Pool p : m.pools().values()) {
            Optional<Integer> done = registry.splitFor(p.id());
            if (done.isPresent() && done.get() >= p.pgNum()) {
                continue;
            }
            if (local == null) {
                local = store.listCollections().stream().map(c -> PgRegistry.parse(c.name())).flatMap(Optional::stream)
                        .toList();
            }
            for (PgId id : local) {
                if (id.pool() == p.id() && id.seed() < p.pgNum() && !splitOne(p, id, done.isEmpty())) {
                    return;
                }
            }
            registry.markSplit(p.id(), p.pgNum());
        }
    }

    /** Splits one local copy if it is older than the pool's pg_num; false if that failed. */
    private boolean splitOne(Pool p, PgId id, boolean firstLook) {
        CollectionId coll = CollectionId.of(id.toString());
        if (firstLook && copies.pgNum(coll) == 0 && store.exists(coll, PgCopies.PGMETA)) {
            // made before copies recorded their pg_num, when pg_num could not change yet: it is the current one
            Transaction txn = new Transaction();
            copies.setPgNum(txn, coll, p.pgNum());
            store.queueTransactions(List.of(txn)).join();
            return true;
        }
        if (copies.pgNum(coll) >= p.pgNum()) {
            return true;
        }
        Pg pg = registry.get(id);
        synchronized (pg.lock()) {
            registry.invalidate(id);
            try {
                for (PgId child : splitter.split(p, id)) {
                    registry.invalidate(child);
                    registry.get(child).forgetPosition();
                }
                pg.forgetPosition();
            } catch (RuntimeException e) {
                // the split is idempotent: it is finished at the next map, or the next start
                LOG.error("splitting pg {} for pg_num {} failed: {}", id, p.pgNum(), e.toString());
                return false;
            }
        }
        return true;
    }
}
