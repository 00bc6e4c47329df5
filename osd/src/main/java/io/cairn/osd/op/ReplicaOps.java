package io.cairn.osd.op;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.Transaction;
import io.cairn.osd.net.OsdErrors;
import io.cairn.osd.peering.Eversion;
import io.cairn.osd.pg.IntervalCheck;
import io.cairn.osd.pg.MapGate;
import io.cairn.osd.pg.MapHistory;
import io.cairn.osd.pg.ObjectIds;
import io.cairn.osd.pg.Pg;
import io.cairn.osd.pg.PgCopies;
import io.cairn.osd.pg.PgRegistry;
import io.cairn.osd.pg.Versions;
import io.cairn.osd.snap.SnapSetCodec;
import io.cairn.proto.v1.OsdOp;
import io.cairn.proto.v1.RepOpReply;
import io.cairn.proto.v1.RepOpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The replica side of a write: applies the primary's mutation with the primary's version, if this
 * OSD is in the PG's acting (or up) set and the write belongs to the current interval, and answers
 * once it is durable here.
 */
public final class ReplicaOps {
    private final MapGate maps;
    private final MapHistory history;
    private final PgRegistry registry;
    private final OpRunner runner;
    private final PgCopies copies;
    private final ObjectStore store;
    private final Executor opExecutor;
    private final int me;

    public ReplicaOps(MapGate maps, MapHistory history, PgRegistry registry, OpRunner runner, PgCopies copies,
                      ObjectStore store, Executor opExecutor, int me) {
        this.maps = maps;
        this.history = history;
        this.registry = registry;
        this.runner = runner;
        this.copies = copies;
        this.store = store;
        this.opExecutor = opExecutor;
        this.me = me;
    }

    public CompletableFuture<RepOpReply> handle(RepOpRequest req) {
        CompletableFuture<Void> applied;
        try {
            applied = CompletableFuture.supplyAsync(() -> apply(req), opExecutor).thenCompose(x -> x);
        } catch (RejectedExecutionException e) {
            applied = CompletableFuture.failedFuture(new CairnException(ErrorCode.EAGAIN, "osd." + me + " is busy"));
        }
        return applied.handle((v, err) -> err == null ? RepOpReply.getDefaultInstance()
                : RepOpReply.newBuilder().setCode(OsdErrors.codeOf(err).code()).setMessage(OsdErrors.messageOf(err)).build());
    }

    private CompletableFuture<Void> apply(RepOpRequest req) {
        OsdMap map = maps.atLeast(req.getEpoch());
        PgId pgid = new PgId(req.getPool(), req.getSeed());
        if (map.pool(pgid.pool()) == null || !IntervalCheck.servesOrTargets(map.mapPg(pgid), me)) {
            throw new CairnException(ErrorCode.ESTALE, "osd." + me + " is not in the acting or up set of " + pgid);
        }
        if (!req.hasVersion()) {
            throw CairnException.invalid("a replica write needs its version");
        }
        registry.ensureCollection(pgid, map);
        Pg pg = registry.get(pgid);
        ObjectId oid = ObjectIds.objectId(req.getOloc());
        boolean delete = req.getOpsList().stream().anyMatch(OsdOp::hasRemove);
        Eversion version = Versions.fromProto(req.getVersion());
        synchronized (pg.lock()) {
            // checked under the lock against the newest map: a newer interval's peering that
            // read this member's info (under the same lock) must not miss a write applied after
            IntervalCheck.requireCurrent(history, pgid, req.getEpoch(), maps.current());
            // an entry past the copy's last_update cannot be held yet: only an older one needs the store's look
            if (version.version() <= pg.lastVersion() && copies.holds(pg.coll(), version)) {
                // a re-peering of this interval recovered the write while its replica op was queued
                return CompletableFuture.completedFuture(null);
            }
            Transaction txn = new Transaction();
            // the primary's snap context: the same clone on every member
            OpRunner.Mutated m = runner.mutate(txn, pg.coll(), oid, req.getOpsList(), version.version(),
                    req.getMtimeMs(), req.hasSnapc() ? Optional.of(SnapSetCodec.fromProto(req.getSnapc()))
                            : Optional.empty());
            if (m.stored() && !req.getOloc().getKey().isEmpty()) {
                txn.setAttr(pg.coll(), oid, PgCopies.KEY_ATTR, req.getOloc().getKey().getBytes(StandardCharsets.UTF_8));
            }
            boolean newest = pg.recordReplicaVersion(version);
            copies.record(txn, pg.coll(), version, req.getOloc(), delete, newest, req.getReqid(), m.cloneMade(),
                    m.clonesRemoved());
            pg.addCounts(m.objectDelta(), m.byteDelta());
            return store.queueTransactions(List.of(txn)).thenApply(x -> null);
        }
    }
}
