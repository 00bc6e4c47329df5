package io.cairn.osd.recovery;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.Pool;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.Transaction;
import io.cairn.osd.net.PeerChannels;
import io.cairn.osd.peering.ObjectName;
import io.cairn.osd.pg.MapGate;
import io.cairn.osd.pg.ObjectIds;
import io.cairn.osd.pg.ObjectTransfer;
import io.cairn.osd.pg.PgCopies;
import io.cairn.osd.pg.PgRegistry;
import io.cairn.proto.v1.ObjectLocator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one whole object to every member of a PG that lacks it: the primary first takes it from
 * the authoritative member when it lacks it too, then pushes its own copy. Blocking, on recovery
 * threads; the caller holds the object's slot, so no client op on it runs meanwhile.
 */
public final class ObjectCopier {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectCopier.class);
    private final PeerChannels peers;
    private final PgCopies copies;
    private final ObjectStore store;
    private final PgRegistry registry;
    private final MapGate maps;
    private final int me;
    private final AtomicLong copiedObjects = new AtomicLong();
    private final AtomicLong copiedBytes = new AtomicLong();
    private final AtomicLong copiedInPieces = new AtomicLong();

    public ObjectCopier(PeerChannels peers, PgCopies copies, ObjectStore store, PgRegistry registry, MapGate maps,
                        int me) {
        this.peers = peers;
        this.copies = copies;
        this.store = store;
        this.registry = registry;
        this.maps = maps;
        this.me = me;
    }

    /** Objects copied by recovery and backfill since this OSD started (pulled and pushed). */
    public long copiedObjects() {
        return copiedObjects.get();
    }

    public long copiedBytes() {
        return copiedBytes.get();
    }

    /** Of those, the objects too large (with their clones) for one message, copied in pieces. */
    public long copiedInPieces() {
        return copiedInPieces.get();
    }

    /** Copies {@code o} where {@code missing} says it lacks; returns the members now complete. */
    public List<Integer> copy(OsdMap map, PgId pg, PgMissing missing, ObjectName o) {
        Set<Integer> lack = missing.whoLacks(o);
        if (lack.isEmpty()) {
            return List.of();
        }
        CollectionId coll = CollectionId.of(pg.toString());
        ObjectLocator loc = ObjectIds.locatorOf(pg.pool(), o);
        ObjectId oid = ObjectIds.objectId(loc);
        long chunk = copies.transferChunkBytes();
        if (lack.contains(me)) {
            int authority = missing.authority();
            // its log entry came with the authority's history
            count(ObjectTransfer.copy(ObjectTransfer.pulled(peers.blocking(map, authority), authority, pg, loc, chunk),
                    ObjectTransfer.stored(copies, coll, oid, txn -> commitPulled(map, pg, coll, oid, txn))));
        }
        for (int osd : lack) {
            if (osd != me) {
                count(ObjectTransfer.copy(ObjectTransfer.local(copies, coll, oid, chunk),
                        ObjectTransfer.pushed(peers.blocking(map, osd), osd, map.epoch(), pg, loc, false)));
            }
        }
        return missing.recovered(o);
    }

    /** Applies one transaction of an object pulled into this primary's copy, and counts what it changed. */
    private void commitPulled(OsdMap map, PgId pg, CollectionId coll, ObjectId oid, Transaction txn) {
        var state = registry.get(pg);
        synchronized (state.lock()) {
            // a split since the copy began moved the PG's objects: this one must not land in the old place
            Pool now = maps.current().pool(pg.pool());
            if (now == null || now.pgNum() != map.pool(pg.pool()).pgNum()) {
                throw new CairnException(ErrorCode.EAGAIN, "pg " + pg + " split while recovering");
            }
            long[] before = copies.statsOf(coll, oid);
            store.queueTransactions(List.of(txn)).join();
            long[] after = copies.statsOf(coll, oid);
            state.addCounts(after[0] - before[0], after[1] - before[1]);
        }
    }

    private void count(ObjectTransfer.Copied c) {
        copiedObjects.incrementAndGet();
        copiedBytes.addAndGet(c.bytes());
        if (c.messages() > 1) {
            copiedInPieces.incrementAndGet();
            LOG.debug("copied an object in {} pieces ({} bytes)", c.messages(), c.bytes());
        }
    }
}
