package io.cairn.osd.recovery;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.Pool;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.Transaction;
import io.cairn.osd.net.PeerChannels;
import io.cairn.osd.peering.ObjectName;
import io.cairn.osd.pg.MapGate;
import io.cairn.osd.pg.ObjectIds;
import io.cairn.osd.pg.PgCopies;
import io.cairn.osd.pg.PgRegistry;
import io.cairn.proto.v1.ObjectLocator;
import io.cairn.proto.v1.ObjectState;
import io.cairn.proto.v1.PullReply;
import io.cairn.proto.v1.PullRequest;
import io.cairn.proto.v1.PushObject;
import io.cairn.proto.v1.PushRequest;
import io.cairn.proto.v1.RepOpReply;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies one whole object to every member of a PG that lacks it: the primary first takes it from
 * the authoritative member when it lacks it too, then pushes its own copy. Blocking, on recovery
 * threads; the caller holds the object's slot, so no client op on it runs meanwhile.
 */
public final class ObjectCopier {
    private final PeerChannels peers;
    private final PgCopies copies;
    private final ObjectStore store;
    private final PgRegistry registry;
    private final MapGate maps;
    private final int me;
    private final AtomicLong copiedObjects = new AtomicLong();
    private final AtomicLong copiedBytes = new AtomicLong();

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

    /** Copies {@code o} where {@code missing} says it lacks; returns the members now complete. */
    public List<Integer> copy(OsdMap map, PgId pg, PgMissing missing, ObjectName o) {
        Set<Integer> lack = missing.whoLacks(o);
        if (lack.isEmpty()) {
            return List.of();
        }
        CollectionId coll = CollectionId.of(pg.toString());
        ObjectLocator loc = ObjectIds.locatorOf(pg.pool(), o);
        if (lack.contains(me)) {
            pull(map, pg, coll, loc, missing.authority());
        }
        for (int osd : lack) {
            if (osd != me) {
                ObjectState state = copies.read(coll, ObjectIds.objectId(loc));
                push(map, pg, osd, PushObject.newBuilder().setOloc(loc).setState(state).build());
                count(state);
            }
        }
        return missing.recovered(o);
    }

    /** Sends {@code object} to {@code osd}'s copy of {@code pg}, from {@code map}'s interval. */
    public void push(OsdMap map, PgId pg, int osd, PushObject object) {
        RepOpReply r = peers.blocking(map, osd).push(PushRequest.newBuilder().setEpoch(map.epoch())
                .setPool(pg.pool()).setSeed(pg.seed()).setObject(object).build());
        check(r.getCode(), r.getMessage(), osd);
    }

    /** Copies one object from the authority; its log entry came with the authority's history. */
    private void pull(OsdMap map, PgId pg, CollectionId coll, ObjectLocator o, int authority) {
        PullReply r = peers.blocking(map, authority).pull(PullRequest.newBuilder().setPool(pg.pool())
                .setSeed(pg.seed()).setOloc(o).build());
        check(r.getCode(), r.getMessage(), authority);
        count(r.getState());
        Transaction txn = new Transaction();
        var oid = ObjectIds.objectId(o);
        copies.write(txn, coll, oid, r.getState());
        var state = registry.get(pg);
        synchronized (state.lock()) {
            // a split since the copy began moved the PG's objects: this one must not land in the old place
            Pool now = maps.current().pool(pg.pool());
            if (now == null || now.pgNum() != map.pool(pg.pool()).pgNum()) {
                throw new CairnException(ErrorCode.EAGAIN, "pg " + pg + " split while recovering");
            }
            long[] before = copies.statsOf(coll, oid);
            long[] after = PgCopies.statsOf(r.getState());
            store.queueTransactions(List.of(txn)).join();
            state.addCounts(after[0] - before[0], after[1] - before[1]);
        }
    }

    private void count(ObjectState state) {
        copiedObjects.incrementAndGet();
        copiedBytes.addAndGet(state.getData().size()
                + state.getClonesList().stream().mapToLong(c -> c.getState().getData().size()).sum());
    }

    static void check(int code, String message, int osd) {
        if (code != 0) {
            throw new CairnException(ErrorCode.EAGAIN, "osd." + osd + ": " + message);
        }
    }
}
