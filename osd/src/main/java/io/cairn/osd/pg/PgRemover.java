package io.cairn.osd.pg;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ListPage;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.Transaction;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes this OSD's copy of a PG (of a deleted pool, or a stray) on its own executor, a bounded
 * batch of objects per transaction. The PG's meta goes first, so a copy cut short says it holds
 * nothing; each batch first checks, under the PG's lock, that the OSD has not become a member
 * again.
 */
public final class PgRemover {
    private static final Logger LOG = LoggerFactory.getLogger(PgRemover.class);
    private static final int BATCH = 1000;
    private static final int ROUNDS_MAX = 100_000;

    private final ObjectStore store;
    private final PgRegistry registry;
    private final Supplier<OsdMap> maps;
    private final ExecutorService executor;
    private final int me;
    private volatile Consumer<PgId> onRemoved = id -> { };

    public PgRemover(ObjectStore store, PgRegistry registry, Supplier<OsdMap> maps, ExecutorService executor, int me) {
        this.store = store;
        this.registry = registry;
        this.maps = maps;
        this.executor = executor;
        this.me = me;
    }

    /** Called with each PG whose copy is gone (the scrubber and peering forget it). */
    public void onRemoved(Consumer<PgId> listener) {
        onRemoved = listener;
    }

    /** Queues the removal of the PG's copy here. */
    public void remove(PgId id, String why) {
        registry.release(id);
        try {
            executor.execute(() -> run(id, why));
        } catch (RejectedExecutionException e) {
            LOG.debug("pg {} not removed: stopping", id);
        }
    }

    private void run(PgId id, String why) {
        CollectionId coll = CollectionId.of(id.toString());
        Pg pg = registry.get(id);
        try {
            for (int round = 0; round < ROUNDS_MAX && store.collectionExists(coll); round++) {
                synchronized (pg.lock()) {
                    OsdMap m = maps.get();
                    if (m.pool(id.pool()) != null && IntervalCheck.servesOrTargets(m.mapPg(id), me)) {
                        LOG.info("pg {}: not removing it after all: osd.{} serves it again", id, me);
                        return;
                    }
                    ListPage page = store.list(coll, Optional.empty(), BATCH);
                    Transaction txn = new Transaction();
                    boolean meta = round == 0 && store.exists(coll, PgCopies.PGMETA);
                    if (meta) {
                        txn.remove(coll, PgCopies.PGMETA);
                    }
                    page.objects().stream().filter(o -> !(meta && o.equals(PgCopies.PGMETA))).forEach(o -> txn.remove(coll, o));
                    if (page.next().isEmpty()) {
                        txn.removeCollection(coll);
                    }
                    store.queueTransactions(List.of(txn)).join();
                }
            }
            pg.forgetPosition();
            onRemoved.accept(id);
            LOG.info("removed pg {}: {}", id, why);
        } catch (RuntimeException e) {
            LOG.warn("removing pg {}: {}", id, e.toString());
        }
    }
}
