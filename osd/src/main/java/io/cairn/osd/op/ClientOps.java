package io.cairn.osd.op;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Placement;
import io.cairn.common.osdmap.Pool;
import io.cairn.common.time.Clock;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.ObjectStoreException;
import io.cairn.objectstore.Transaction;
import io.cairn.osd.net.OsdErrors;
import io.cairn.osd.peering.Eversion;
import io.cairn.osd.pg.MapGate;
import io.cairn.osd.pg.ObjectIds;
import io.cairn.osd.pg.Pg;
import io.cairn.osd.pg.PgActivator;
import io.cairn.osd.pg.PgCopies;
import io.cairn.osd.pg.PgRegistry;
import io.cairn.osd.pg.RecentRequests;
import io.cairn.osd.snap.SnapContext;
import io.cairn.osd.snap.SnapSetCodec;
import io.cairn.proto.v1.ObjectLocator;
import io.cairn.proto.v1.OpReply;
import io.cairn.proto.v1.OpRequest;
import io.cairn.proto.v1.OpResult;
import io.cairn.proto.v1.OsdOp;
import io.cairn.proto.v1.RepOpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client operations at the primary: checks the client and the map and the PG (a blocklisted client
 * gets EBLOCKLISTED, an older map ESTALE and the newer epoch, a PG below min_size or still peering
 * EAGAIN), runs guards, assigns the PG version, applies locally and replicates in one step under
 * the PG's lock, and answers once every member has the write durable. Reads are served from the
 * primary's copy, repaired on a checksum failure.
 */
public final class ClientOps {
    private static final Logger LOG = LoggerFactory.getLogger(ClientOps.class);

    /** The collaborators of the client path. */
    public record Deps(MapGate maps, PgRegistry registry, PgActivator activator, MissingObjects missing,
                       OpRunner runner, WriteGate writeGate, PgCopies copies, ObjectStore store, Replicator replicator,
                       ReadRepair readRepair, OpTracker tracker, LongSupplier lastMonContactMs,
                       LongSupplier monContactGraceMs, Clock clock, Executor opExecutor) { }

    private final Deps d;
    private final int me;

    public ClientOps(Deps deps, int me) {
        this.d = deps;
        this.me = me;
    }

    /**
     * One client op: answered from the op pool, never on the calling (gRPC) thread. A read's reply
     * carries store buffers added to {@code lent}: the caller gives them back once it has sent it.
     */
    public CompletableFuture<OpReply> handle(OpRequest req, LentBuffers lent) {
        long id = d.tracker().admit();
        if (id < 0) {
            return CompletableFuture.completedFuture(OsdErrors.opError(ErrorCode.EAGAIN, "osd." + me + " is busy", 0));
        }
        long start = System.nanoTime();
        CompletableFuture<OpReply> f;
        try {
            f = CompletableFuture.supplyAsync(() -> route(req, lent, false), d.opExecutor()).thenCompose(x -> x);
        } catch (RejectedExecutionException e) {
            f = CompletableFuture.completedFuture(OsdErrors.opError(ErrorCode.EAGAIN, "osd." + me + " is busy", 0));
        }
        return f.handle((reply, err) -> {
            OpReply r = err == null ? reply : toError(err);
            d.tracker().done(id, req, r, System.nanoTime() - start);
            return r;
        });
    }

    private OpReply toError(Throwable t) {
        ErrorCode code = OsdErrors.codeOf(t);
        if (code == ErrorCode.EIO) {
            LOG.warn("op failed: {}", OsdErrors.messageOf(t));
        }
        return OsdErrors.opError(code, OsdErrors.messageOf(t), d.maps().epoch());
    }

    /**
     * A write the OSD makes itself (the snap trimmer's, on one head): the client path's map and PG
     * checks, version, log and replication, with no request id and no client snap context.
     */
    public CompletableFuture<OpReply> trimWrite(ObjectLocator oloc, List<OsdOp> ops) {
        OpRequest req = OpRequest.newBuilder().setEpoch(d.maps().epoch()).setOloc(oloc).addAllOps(ops).build();
        try {
            return CompletableFuture.supplyAsync(() -> route(req, new LentBuffers(), true), d.opExecutor())
                    .thenCompose(x -> x);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new CairnException(ErrorCode.EAGAIN, "osd." + me + " is busy"));
        }
    }

    private CompletableFuture<OpReply> route(OpRequest req, LentBuffers lent, boolean internal) {
        OsdMap map = d.maps().atLeast(req.getEpoch());
        if (!internal && map.isBlocklisted(req.getAddr(), d.clock().wallMs())) {
            // fenced (an MDS evicted it, or an operator): nothing from it may reach a PG any more
            throw new CairnException(ErrorCode.EBLOCKLISTED, "client " + req.getAddr() + " is blocklisted");
        }
        ObjectLocator oloc = req.getOloc();
        Pool pool = map.pool(oloc.getPool());
        if (pool == null) {
            throw CairnException.notFound("pool " + oloc.getPool() + " does not exist");
        }
        if (oloc.getName().isEmpty() || oloc.getNspace().startsWith(".cairn")) {
            throw CairnException.invalid("bad object name or namespace");
        }
        PgId pgid = Placement.objectPg(pool, oloc.getName(), oloc.getNspace(), oloc.getKey());
        PgMapping pm = map.mapPg(pgid);
        if (pm.actingPrimary() != me) {
            return CompletableFuture.completedFuture(OsdErrors.opError(ErrorCode.ESTALE, "osd." + me
                    + " is not the primary of " + pgid + " in epoch " + map.epoch(), map.epoch()));
        }
        long silentMs = d.clock().monotonicMs() - d.lastMonContactMs().getAsLong();
        if (silentMs > d.monContactGraceMs().getAsLong()) {
            // the monitors may have given this PG to another primary in a map we cannot see
            throw new CairnException(ErrorCode.EAGAIN, "osd." + me + " has not heard from the monitors for "
                    + silentMs / 1000 + "s: not serving as primary");
        }
        if (pm.acting().size() < pool.minSize()) {
            throw new CairnException(ErrorCode.EAGAIN, "pg " + pgid + " is inactive: " + pm.acting().size()
                    + " OSDs up, min_size " + pool.minSize());
        }
        d.runner().validate(req.getOpsList());
        if (!internal && req.getOpsList().stream().anyMatch(OsdOp::hasSnapTrim)) {
            throw CairnException.invalid("snap_trim is the OSD's own op");
        }
        d.registry().ensureCollection(pgid, map);
        if (!d.activator().ensureActive(map, pgid, pm)) {
            throw new CairnException(ErrorCode.EAGAIN, "pg " + pgid + " is peering");
        }
        Pg pg = d.registry().get(pgid);
        ObjectId oid = ObjectIds.objectId(oloc);
        boolean write = req.getOpsList().stream().anyMatch(OpRunner::isMutation);
        if (write && req.getSnapId() != 0) {
            throw new CairnException(ErrorCode.EROFS, "a snap is read-only: writes go to the head");
        }
        // the trimmer writes under an empty context: it never clones, and an object's seq never stops it
        Optional<SnapContext> snapc = internal ? Optional.of(SnapContext.EMPTY)
                : write ? SnapContext.forWrite(pool, req.getSnapc()) : Optional.empty();
        boolean snaps = pool.snapSeq() > 0;
        return d.missing().submit(pgid, ObjectIds.nameOf(oloc),
                () -> write ? write(map, pg, pm, oid, req, snapc, internal) : read(map, pg, oid, req, lent, snaps),
                d.opExecutor());
    }

    private CompletableFuture<OpReply> read(OsdMap map, Pg pg, ObjectId oid, OpRequest req, LentBuffers lent,
                                            boolean snaps) {
        if (d.missing().lacks(pg.id(), ObjectIds.nameOf(req.getOloc()))) {
            // a new activation since the op was queued: its slot copies the object first next time
            throw new CairnException(ErrorCode.EAGAIN, "pg " + pg.id() + " is recovering " + req.getOloc().getName());
        }
        CollectionId coll = pg.coll();
        Optional<ObjectId> target = d.runner().readTarget(coll, oid, req.getSnapId(), snaps);
        if (target.isPresent()) {
            d.runner().checkGuards(coll, target.get(), req.getOpsList());
        } else if (!OpRunner.onlyListsSnaps(req.getOpsList())) {
            throw CairnException.notFound(req.getSnapId() == 0 ? "object does not exist"
                    : "object does not exist at snap " + Long.toUnsignedString(req.getSnapId()));
        }
        List<OpResult> results;
        try {
            results = d.runner().read(coll, oid, target, req.getOpsList(), lent);
        } catch (ObjectStoreException.ChecksumError e) {
            d.readRepair().repair(map, pg.id(), coll, oid, req.getOloc(), e);
            results = d.runner().read(coll, oid, target, req.getOpsList(), lent);
        }
        return CompletableFuture.completedFuture(OpReply.newBuilder().setEpoch(map.epoch())
                .setVersion(d.runner().version(coll, oid)).addAllResults(results).build());
    }

    /** What one write sends to the members once it is applied here. */
    private record Applied(Eversion version, RepOpRequest rep, List<Integer> replicas, CompletableFuture<?> local) { }

    private CompletableFuture<OpReply> write(OsdMap map, Pg pg, PgMapping pm, ObjectId oid, OpRequest req,
                                             Optional<SnapContext> snapc, boolean internal) {
        String reqid = req.getClient().isEmpty() ? "" : req.getClient() + ":" + req.getTid();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Applied applied;
        synchronized (pg.lock()) {
            if (!pg.serves(pm.acting())) {
                throw new CairnException(ErrorCode.EAGAIN, "pg " + pg.id() + " is peering");
            }
            Optional<CompletableFuture<Void>> held = d.writeGate().waitFor(pg.id(), oid);
            if (held.isPresent()) {
                // a scrub is comparing this object's copies: go once its chunk is done
                return held.get().thenComposeAsync(v -> write(map, pg, pm, oid, req, snapc, internal),
                        d.opExecutor());
            }
            if (d.missing().lacks(pg.id(), ObjectIds.nameOf(req.getOloc()))) {
                // a member lacks the object's base: writing now would build on a stale copy
                throw new CairnException(ErrorCode.EAGAIN, "pg " + pg.id() + " is recovering " + req.getOloc().getName());
            }
            // the request ids of this activation, read under the lock: a re-peering in between
            // may have brought in the original of this resend
            Optional<RecentRequests> recent = pg.recentRequests();
            Optional<Long> seen = recent.isEmpty() || reqid.isEmpty() ? Optional.empty() : recent.get().find(reqid);
            if (seen.isPresent()) {
                // a resend of a write this PG already holds on every member (it peered since any failure)
                return CompletableFuture.completedFuture(
                        OpReply.newBuilder().setEpoch(map.epoch()).setVersion(seen.get()).build());
            }
            d.runner().checkGuards(pg.coll(), oid, req.getOpsList());
            if (snapc.isPresent() && !internal && !map.pool(pg.id().pool()).isPoolSnapsMode()) {
                d.runner().checkSnapContext(pg.coll(), oid, snapc.get());
            }
            applied = apply(map, pg, pm, oid, req, reqid, snapc);
            d.writeGate().track(pg.id(), done);
            recent.ifPresent(r -> {
                if (!reqid.isEmpty()) {
                    r.add(reqid, applied.version().version());
                }
            });
        }
        List<CompletableFuture<?>> acks = new ArrayList<>();
        acks.add(applied.local());
        for (int osd : applied.replicas()) {
            if (osd != me) {
                acks.add(d.replicator().send(map, osd, applied.rep()));
            }
        }
        return Acks.all(acks, pg.queue()).whenComplete((v, err) -> {
            done.complete(null);
            if (err != null) {
                // a member may lack this write while the primary has it: peer again before serving
                d.registry().invalidate(pg.id());
            }
        }).thenApply(v -> OpReply.newBuilder().setEpoch(map.epoch()).setVersion(applied.version().version()).build());
    }

    /** Under the PG's lock: assigns the version and queues the local transaction. */
    private Applied apply(OsdMap map, Pg pg, PgMapping pm, ObjectId oid, OpRequest req, String reqid,
                          Optional<SnapContext> snapc) {
        long mtime = d.clock().wallMs();
        boolean delete = req.getOpsList().stream().anyMatch(OsdOp::hasRemove);
        Eversion version = pg.assignVersion();
        Transaction txn = new Transaction();
        OpRunner.Mutated m = d.runner().mutate(txn, pg.coll(), oid, req.getOpsList(), version.version(), mtime, snapc);
        if (m.stored() && !req.getOloc().getKey().isEmpty()) {
            txn.setAttr(pg.coll(), oid, PgCopies.KEY_ATTR, req.getOloc().getKey().getBytes(StandardCharsets.UTF_8));
        }
        d.copies().record(txn, pg.coll(), version, req.getOloc(), delete, true, reqid, m.cloneMade(), m.clonesRemoved());
        CompletableFuture<?> local = d.store().queueTransactions(List.of(txn));
        pg.addCounts(m.objectDelta(), m.byteDelta());
        List<Integer> replicas = new ArrayList<>(pm.acting());
        replicas.addAll(d.missing().upOnlyHolding(pg.id(), pm, ObjectIds.nameOf(req.getOloc())));
        RepOpRequest.Builder rep = RepOpRequest.newBuilder().setEpoch(map.epoch()).setPool(pg.id().pool())
                .setSeed(pg.id().seed()).setOloc(req.getOloc()).addAllOps(req.getOpsList())
                .setVersion(io.cairn.proto.v1.Eversion.newBuilder().setEpoch(version.epoch())
                        .setVersion(version.version()))
                .setMtimeMs(mtime).setReqid(reqid).setTid(d.replicator().nextTid());
        snapc.ifPresent(c -> rep.setSnapc(SnapSetCodec.toProto(c)));
        return new Applied(version, rep.build(), replicas, local);
    }
}
