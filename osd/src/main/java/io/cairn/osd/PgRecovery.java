package io.cairn.osd;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.PgId;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.Transaction;
import io.cairn.proto.v1.ListReply;
import io.cairn.proto.v1.ListRequest;
import io.cairn.proto.v1.ObjectLocator;
import io.cairn.proto.v1.ObjectState;
import io.cairn.proto.v1.OsdServiceGrpc;
import io.cairn.proto.v1.PgInfoReply;
import io.cairn.proto.v1.PgInfoRequest;
import io.cairn.proto.v1.PgLogEntry;
import io.cairn.proto.v1.PgLogReply;
import io.cairn.proto.v1.PgLogRequest;
import io.cairn.proto.v1.PullReply;
import io.cairn.proto.v1.PullRequest;
import io.cairn.proto.v1.PushRequest;
import io.cairn.proto.v1.RepOpReply;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a primary serves a PG in a new acting set, it brings every member to the newest copy:
 * it asks each member for its last_update, takes the newest member as authoritative, pulls what
 * it lacks itself from that member (the log's objects, or everything when the log does not reach
 * back far enough: backfill), then pushes each lagging replica the objects its log range names
 * (or everything, removing what the replica has and the primary does not). Blocking; run off the
 * op and gRPC threads. Versions are per PG, so two histories that both advanced after a split
 * are not told apart yet (Ceph's (epoch, v) and divergent-entry rollback come with peering).
 */
final class PgRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(PgRecovery.class);

    private final ObjectStore store;
    private final PgCopies copies;
    private final int me;

    /** What recovery copied, for logs and tests. */
    record Result(long lastUpdate, int pulled, int pushed) { }

    PgRecovery(ObjectStore store, PgCopies copies, int me) {
        this.store = store;
        this.copies = copies;
        this.me = me;
    }

    Result recover(int epoch, PgId pg, List<Integer> acting, IntFunction<OsdServiceGrpc.OsdServiceBlockingStub> stubs) {
        CollectionId coll = CollectionId.of(pg.toString());
        long mine = copies.lastUpdate(coll);
        long best = mine;
        int auth = me;
        List<PgInfoReply> infos = new ArrayList<>();
        for (int osd : acting) {
            if (osd == me) {
                infos.add(PgInfoReply.newBuilder().setLastUpdate(mine).setLogTail(copies.logTail(coll)).build());
                continue;
            }
            PgInfoReply info = stubs.apply(osd).pgInfo(PgInfoRequest.newBuilder().setEpoch(epoch).setPool(pg.pool())
                    .setSeed(pg.seed()).build());
            check(info.getCode(), info.getMessage(), osd);
            infos.add(info);
            if (info.getLastUpdate() > best) {
                best = info.getLastUpdate();
                auth = osd;
            }
        }
        int pulled = 0;
        if (auth != me) {
            pulled = catchUpFrom(pg, coll, mine, auth, infos.get(acting.indexOf(auth)), stubs);
        }
        int pushed = 0;
        for (int i = 0; i < acting.size(); i++) {
            int osd = acting.get(i);
            if (osd != me && infos.get(i).getLastUpdate() < best) {
                pushed += bringUp(epoch, pg, coll, osd, infos.get(i).getLastUpdate(), best, stubs);
            }
        }
        if (pulled + pushed > 0) {
            LOG.info("pg {} recovered to version {}: pulled {}, pushed {}", pg, best, pulled, pushed);
        }
        return new Result(best, pulled, pushed);
    }

    private static void check(int code, String message, int osd) {
        if (code != 0) {
            throw new CairnException(ErrorCode.EAGAIN, "osd." + osd + ": " + message);
        }
    }

    /** Pulls into this primary what the authoritative member has and it lacks. */
    private int catchUpFrom(PgId pg, CollectionId coll, long mine, int auth, PgInfoReply authInfo,
                            IntFunction<OsdServiceGrpc.OsdServiceBlockingStub> stubs) {
        OsdServiceGrpc.OsdServiceBlockingStub from = stubs.apply(auth);
        List<ObjectLocator> objects = new ArrayList<>();
        List<Long> versions = new ArrayList<>();
        boolean backfill = mine + 1 < authInfo.getLogTail();
        if (backfill) {
            Set<String> theirs = new HashSet<>();
            for (ObjectLocator o : listMember(from, pg)) {
                objects.add(o);
                versions.add(authInfo.getLastUpdate());
                theirs.add(o.getNspace() + "\0" + o.getName());
            }
            for (ObjectLocator o : copies.objects(coll, pg.pool())) {
                if (!theirs.contains(o.getNspace() + "\0" + o.getName())) {
                    objects.add(o);
                    versions.add(authInfo.getLastUpdate());
                }
            }
        } else {
            PgLogReply log = from.pgLog(PgLogRequest.newBuilder().setPool(pg.pool()).setSeed(pg.seed()).setAfter(mine)
                    .setUpto(authInfo.getLastUpdate()).build());
            check(log.getCode(), log.getMessage(), auth);
            for (PgLogEntry e : log.getEntriesList()) {
                objects.add(e.getOloc());
                versions.add(e.getVersion());
            }
        }
        for (int i = 0; i < objects.size(); i++) {
            ObjectLocator o = objects.get(i);
            PullReply r = from.pull(PullRequest.newBuilder().setPool(pg.pool()).setSeed(pg.seed()).setOloc(o).build());
            check(r.getCode(), r.getMessage(), auth);
            Transaction txn = new Transaction();
            copies.write(txn, coll, OsdDaemon.objectId(o), r.getState());
            copies.record(txn, coll, versions.get(i), o, false);
            store.queueTransactions(List.of(txn)).join();
        }
        Transaction done = new Transaction();
        done.setAttr(coll, PgCopies.PGMETA, PgCopies.LAST_UPDATE_ATTR, OpRunner.encodeLong(authInfo.getLastUpdate()));
        store.queueTransactions(List.of(done)).join();
        return objects.size();
    }

    /** Pushes a lagging replica what its log range names, or everything (backfill). */
    private int bringUp(int epoch, PgId pg, CollectionId coll, int osd, long theirs, long best,
                        IntFunction<OsdServiceGrpc.OsdServiceBlockingStub> stubs) {
        OsdServiceGrpc.OsdServiceBlockingStub to = stubs.apply(osd);
        List<ObjectLocator> objects = new ArrayList<>();
        List<Long> versions = new ArrayList<>();
        if (theirs + 1 < copies.logTail(coll)) {
            Set<String> ours = new HashSet<>();
            for (ObjectLocator o : copies.objects(coll, pg.pool())) {
                objects.add(o);
                versions.add(best);
                ours.add(o.getNspace() + "\0" + o.getName());
            }
            for (ObjectLocator o : listMember(to, pg)) {
                if (!ours.contains(o.getNspace() + "\0" + o.getName())) {
                    objects.add(o);
                    versions.add(best);
                }
            }
        } else {
            for (PgLogEntry e : copies.entries(coll, theirs, best)) {
                objects.add(e.getOloc());
                versions.add(e.getVersion());
            }
        }
        for (int i = 0; i < objects.size(); i++) {
            ObjectLocator o = objects.get(i);
            ObjectId oid = OsdDaemon.objectId(o);
            ObjectState state = copies.read(coll, oid);
            RepOpReply r = to.push(PushRequest.newBuilder().setEpoch(epoch).setPool(pg.pool()).setSeed(pg.seed())
                    .setOloc(o).setState(state).setVersion(versions.get(i)).build());
            check(r.getCode(), r.getMessage(), osd);
        }
        RepOpReply r = to.push(PushRequest.newBuilder().setEpoch(epoch).setPool(pg.pool()).setSeed(pg.seed())
                .setLastUpdate(best).build());
        check(r.getCode(), r.getMessage(), osd);
        return objects.size();
    }

    private static List<ObjectLocator> listMember(OsdServiceGrpc.OsdServiceBlockingStub member, PgId pg) {
        List<ObjectLocator> out = new ArrayList<>();
        String cursor = "";
        for (int page = 0; page < 100_000; page++) {
            ListReply r = member.list(ListRequest.newBuilder().setPool(pg.pool()).setSeed(pg.seed()).setCursor(cursor)
                    .setMax(1000).setAllNamespaces(true).setMember(true).build());
            if (r.getCode() != 0) {
                throw new CairnException(ErrorCode.EAGAIN, "listing a member of " + pg + ": " + r.getMessage());
            }
            for (var e : r.getEntriesList()) {
                out.add(ObjectLocator.newBuilder().setPool(pg.pool()).setName(e.getName()).setNspace(e.getNspace())
                        .setKey(e.getKey()).build());
            }
            cursor = r.getNextCursor();
            if (cursor.isEmpty()) {
                break;
            }
        }
        return out;
    }
}
