package io.cairn.osd.peering.driver;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.Transaction;
import io.cairn.osd.peering.Eversion;
import io.cairn.osd.peering.LogEntry;
import io.cairn.osd.peering.PgInfo;
import io.cairn.osd.peering.PgLog;
import io.cairn.osd.pg.IntervalCheck;
import io.cairn.osd.pg.MapGate;
import io.cairn.osd.pg.MapHistory;
import io.cairn.osd.pg.ObjectIds;
import io.cairn.osd.pg.Pg;
import io.cairn.osd.pg.PgCopies;
import io.cairn.osd.pg.PgRegistry;
import io.cairn.osd.pg.SlotReserver;
import io.cairn.osd.pg.Versions;
import io.cairn.proto.v1.BackfillReserveReply;
import io.cairn.proto.v1.BackfillReserveRequest;
import io.cairn.proto.v1.PgInfoReply;
import io.cairn.proto.v1.PgInfoRequest;
import io.cairn.proto.v1.PgLogReply;
import io.cairn.proto.v1.PgLogRequest;
import io.cairn.proto.v1.PullReply;
import io.cairn.proto.v1.PullRequest;
import io.cairn.proto.v1.PushActivate;
import io.cairn.proto.v1.PushObject;
import io.cairn.proto.v1.PushRequest;
import io.cairn.proto.v1.RepOpReply;
import io.cairn.proto.v1.StrayCheckReply;
import io.cairn.proto.v1.StrayCheckRequest;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.DoubleSupplier;

/**
 * The member side of peering and recovery: answers a primary's info, log and pull queries, applies
 * its pushes (rewind, activation, an object, complete, clean, remove a stray copy), and hands out
 * this OSD's osd_max_backfills slots to primaries that backfill onto it. Runs on the op pool.
 */
public final class PeeringMember {
    private final MapGate maps;
    private final MapHistory history;
    private final PgRegistry registry;
    private final PgCopies copies;
    private final ObjectStore store;
    private final SlotReserver<PgId> remoteBackfills;
    private final DoubleSupplier backfillFullRatio;
    /** Removes this OSD's copy of a PG in the background, saying why. */
    private final BiConsumer<PgId, String> remover;
    /** Counts a copy here replaced by a scrub repair. */
    private final Runnable repairedHere;
    /** The acting set while this OSD leads the PG and it is active+clean; empty otherwise. */
    private final BiFunction<PgId, OsdMap, Optional<List<Integer>>> cleanActing;
    private final int me;

    public PeeringMember(MapGate maps, MapHistory history, PgRegistry registry, PgCopies copies, ObjectStore store,
                         SlotReserver<PgId> remoteBackfills, DoubleSupplier backfillFullRatio,
                         BiConsumer<PgId, String> remover, Runnable repairedHere,
                         BiFunction<PgId, OsdMap, Optional<List<Integer>>> cleanActing, int me) {
        this.maps = maps;
        this.history = history;
        this.registry = registry;
        this.copies = copies;
        this.store = store;
        this.remoteBackfills = remoteBackfills;
        this.backfillFullRatio = backfillFullRatio;
        this.remover = remover;
        this.repairedHere = repairedHere;
        this.cleanActing = cleanActing;
        this.me = me;
    }

    public PgInfoReply pgInfo(PgInfoRequest req) {
        OsdMap map = maps.atLeast(req.getEpoch());
        PgId id = new PgId(req.getPool(), req.getSeed());
        CollectionId coll = CollectionId.of(id.toString());
        if (map.pool(id.pool()) != null && store.collectionExists(coll)) {
            quiesce(registry.get(id), map);
        }
        PgInfo info = copies.info(coll);
        return PgInfoReply.newBuilder().setLastUpdate(Versions.toProto(info.lastUpdate()))
                .setLogTail(Versions.toProto(info.logTail())).setLastEpochStarted(info.lastEpochStarted())
                .setLastEpochClean(info.lastEpochClean()).setLastComplete(Versions.toProto(info.lastComplete())).build();
    }

    /**
     * Before answering a newer interval's peering: stop serving the PG as primary of an older
     * interval (the map handler may not have run yet), and let every write already applied here
     * reach the store, so the info, log and objects peering reads next agree. Otherwise a write
     * committed between the log read and an object pull travels without its log entry, and a
     * client's resend of it is applied twice.
     */
    private void quiesce(Pg pg, OsdMap map) {
        PgMapping pm = map.mapPg(pg.id());
        synchronized (pg.lock()) {
            var serving = pg.servingActing();
            if (serving.isPresent() && (!serving.get().equals(pm.acting()) || pm.actingPrimary() != me)) {
                registry.invalidate(pg.id());
            }
        }
        store.queueTransactions(List.of(new Transaction().touch(pg.coll(), PgCopies.PGMETA))).join();
    }

    public PgLogReply pgLog(PgLogRequest req) {
        CollectionId coll = CollectionId.of(new PgId(req.getPool(), req.getSeed()).toString());
        PgLog log = copies.log(coll, Versions.fromProto(req.getAfter()));
        var b = PgLogReply.newBuilder().setTail(Versions.toProto(log.tail()));
        for (LogEntry e : log.entries()) {
            b.addEntries(PgCopies.toProto(req.getPool(), e));
        }
        return b.build();
    }

    public PullReply pull(PullRequest req) {
        CollectionId coll = CollectionId.of(new PgId(req.getPool(), req.getSeed()).toString());
        ObjectId oid = ObjectIds.objectId(req.getOloc());
        if (req.getMaxBytes() == 0 && req.getSnap() == 0 && req.getOffset() == 0) {
            return PullReply.newBuilder().setState(copies.read(coll, oid)).build();
        }
        return PullReply.newBuilder().setState(copies.pieces().read(coll, oid, req.getSnap(), req.getOffset(),
                req.getMaxBytes())).build();
    }

    /** A primary brings this member's copy of a PG up to date, an object at a time, then its position. */
    public RepOpReply push(PushRequest req) {
        OsdMap map = maps.atLeast(req.getEpoch());
        PgId id = new PgId(req.getPool(), req.getSeed());
        if (map.pool(id.pool()) == null) {
            throw CairnException.notFound("pool " + id.pool() + " does not exist");
        }
        if (req.getChangeCase() == PushRequest.ChangeCase.REMOVE_STRAY) {
            return removeStray(id, map);
        }
        if (req.getChangeCase() == PushRequest.ChangeCase.CHANGE_NOT_SET) {
            throw CairnException.invalid("a push without a change");
        }
        registry.ensureCollection(id, map);
        Pg pg = registry.get(id);
        CollectionId coll = pg.coll();
        synchronized (pg.lock()) {
            // a recovery still running for an interval that has ended must not overwrite newer copies
            IntervalCheck.requireCurrent(history, id, req.getEpoch(), maps.current());
            Transaction txn = new Transaction();
            switch (req.getChangeCase()) {
                case REWIND -> copies.rewind(txn, coll, Versions.fromProto(req.getRewind().getTo()));
                case ACTIVATE -> activate(txn, pg, req.getActivate());
                case OBJECT -> {
                    // its log entry came with the activation's history
                    PushObject o = req.getObject();
                    ObjectId oid = ObjectIds.objectId(o.getOloc());
                    boolean landed = true;
                    if (o.getState().getPiece()) {
                        landed = copies.pieces().write(txn, coll, oid, o.getSnap(), o.getState());
                    } else {
                        copies.write(txn, coll, oid, o.getState());
                    }
                    if (o.getRepair() && landed) {
                        repairedHere.run();
                    }
                }
                case COMPLETE -> copies.markComplete(txn, coll);
                case CLEAN -> copies.setLastEpochClean(txn, coll, req.getClean().getLastEpochClean());
                case REMOVE_STRAY, CHANGE_NOT_SET -> throw new IllegalStateException("handled above");
            }
            store.queueTransactions(List.of(txn)).join();
            if (req.getChangeCase() == PushRequest.ChangeCase.ACTIVATE) {
                // copies of the interval that ended are over: what they left half done goes
                copies.pieces().clearTemps(coll);
            }
        }
        return RepOpReply.getDefaultInstance();
    }

    /** The member's new position, the authority's history and (while it lacks objects) its last_complete, at once. */
    private void activate(Transaction txn, Pg pg, PushActivate a) {
        CollectionId coll = pg.coll();
        Eversion lu = Versions.fromProto(a.getLastUpdate());
        // recovery sets the member's position outright: a rewound member moves back
        if (a.getBackfilled()) {
            copies.resetLog(txn, coll, lu);
        } else {
            copies.setLastUpdate(txn, coll, lu);
        }
        copies.setLastEpochStarted(txn, coll, a.getLastEpochStarted());
        pg.setPosition(lu.version());
        if (a.getLogEntriesCount() > 0) {
            // after the rewind or reset: the authority's history, request ids included, is what stays
            copies.recordEntries(txn, coll, pg.id().pool(), a.getLogEntriesList().stream().map(PgCopies::fromProto).toList());
        }
        if (a.hasLastComplete()) {
            copies.setLastComplete(txn, coll, Versions.fromProto(a.getLastComplete()));
        }
    }

    /** The PG went clean on its acting set: this OSD's old copy of it (from before a remap) goes. */
    private RepOpReply removeStray(PgId id, OsdMap map) {
        PgMapping pm = map.mapPg(id);
        if (IntervalCheck.servesOrTargets(pm, me)) {
            throw new CairnException(ErrorCode.ESTALE, "osd." + me + " serves " + id + " in epoch " + map.epoch());
        }
        if (store.collectionExists(CollectionId.of(id.toString()))) {
            registry.invalidate(id);
            remover.accept(id, "a stray copy; the PG is clean on " + pm.acting());
        }
        return RepOpReply.getDefaultInstance();
    }

    /**
     * A stray copy's holder asks whether it can go: yes when this OSD leads the PG, it is
     * active+clean, and the asker is neither in its acting nor its up set. The asker checks its
     * own map again before it removes anything.
     */
    public StrayCheckReply strayCheck(StrayCheckRequest req) {
        OsdMap map = maps.current();
        PgId id = new PgId(req.getPool(), req.getSeed());
        boolean remove = map.epoch() >= req.getEpoch() && map.pool(id.pool()) != null
                && id.seed() < map.pool(id.pool()).pgNum() && !IntervalCheck.servesOrTargets(map.mapPg(id), req.getFrom())
                && cleanActing.apply(id, map).isPresent();
        return StrayCheckReply.newBuilder().setRemove(remove).setEpoch(map.epoch()).build();
    }

    /** A primary asks for (or gives back) one of this OSD's backfill slots for a PG it will backfill here. */
    public BackfillReserveReply backfillReserve(BackfillReserveRequest req) {
        PgId id = new PgId(req.getPool(), req.getSeed());
        var reply = BackfillReserveReply.newBuilder();
        if (req.getRelease()) {
            remoteBackfills.release(id);
            return reply.build();
        }
        OsdMap map = maps.atLeast(req.getEpoch());
        if (map.pool(id.pool()) == null || map.mapPg(id).actingPrimary() != req.getFrom()
                || !IntervalCheck.servesOrTargets(map.mapPg(id), me)) {
            return reply.setCode(ErrorCode.ESTALE.code()).setMessage("osd." + req.getFrom() + " does not lead " + id
                    + " with osd." + me + " in epoch " + map.epoch()).build();
        }
        var fs = store.statfs();
        double ratio = backfillFullRatio.getAsDouble();
        if (fs.totalBytes() > 0 && fs.allocatedBytes() >= ratio * fs.totalBytes()) {
            return reply.setToofull(true).setMessage(String.format("osd.%d is %.0f%% full (backfillfull ratio %.2f)",
                    me, 100.0 * fs.allocatedBytes() / fs.totalBytes(), ratio)).build();
        }
        return reply.setGranted(remoteBackfills.tryReserve(id, req.getFrom(), req.getEpoch())).build();
    }
}
