package io.cairn.osd.peering.driver;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.Pool;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.Transaction;
import io.cairn.osd.net.PeerChannels;
import io.cairn.osd.peering.ActivationPlan;
import io.cairn.osd.peering.Eversion;
import io.cairn.osd.peering.LogEntry;
import io.cairn.osd.peering.LogMerge;
import io.cairn.osd.peering.ObjectName;
import io.cairn.osd.peering.PeerPlan;
import io.cairn.osd.peering.PeeringMachine;
import io.cairn.osd.peering.PeeringMachine.Action;
import io.cairn.osd.peering.PgLog;
import io.cairn.osd.pg.MapGate;
import io.cairn.osd.pg.ObjectIds;
import io.cairn.osd.pg.PgCopies;
import io.cairn.osd.pg.PgRegistry;
import io.cairn.osd.pg.Versions;
import io.cairn.osd.recovery.PgMissing;
import io.cairn.proto.v1.ListReply;
import io.cairn.proto.v1.ListRequest;
import io.cairn.proto.v1.PgLogEntry;
import io.cairn.proto.v1.PgLogReply;
import io.cairn.proto.v1.PgLogRequest;
import io.cairn.proto.v1.PushActivate;
import io.cairn.proto.v1.PushClean;
import io.cairn.proto.v1.PushComplete;
import io.cairn.proto.v1.PushRemoveStray;
import io.cairn.proto.v1.PushRequest;
import io.cairn.proto.v1.PushRewind;
import io.cairn.proto.v1.RepOpReply;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O of the machine's Activate, MarkClean and member-complete steps: every member gets the
 * authoritative log and its position in one push, and what each still lacks comes back as a
 * {@link PgMissing} for recovery. Blocking, with every peer call under its deadline; runs on the
 * peering threads, never on a PG queue, op or gRPC thread.
 */
final class Activation {
    private static final Logger LOG = LoggerFactory.getLogger(Activation.class);
    private static final int LIST_PAGES_MAX = 100_000;
    private static final int LIST_PAGE = 1000;

    /** What activation leaves: the objects members lack, and the members that lack nothing. */
    record Result(PgMissing missing, List<Integer> completeNow) { }

    private final PeerChannels peers;
    private final PgCopies copies;
    private final ObjectStore store;
    private final PgRegistry registry;
    private final MapGate maps;
    private final int me;

    Activation(PeerChannels peers, PgCopies copies, ObjectStore store, PgRegistry registry, MapGate maps, int me) {
        this.peers = peers;
        this.copies = copies;
        this.store = store;
        this.registry = registry;
        this.maps = maps;
        this.me = me;
    }

    /** The primary first (from the authority), then every other member. */
    Result activate(OsdMap map, PgId pg, PeeringMachine m, Action.Activate a) {
        CollectionId coll = CollectionId.of(pg.toString());
        Eversion head = a.authorityInfo().lastUpdate();
        PgMissing missing = new PgMissing(a.authority());
        List<Integer> completeNow = new ArrayList<>();
        activateHere(map, pg, coll, m, a, missing, completeNow);
        List<PgLogEntry> log = null;
        for (Map.Entry<Integer, PeerPlan> e : a.plans().entrySet()) {
            int osd = e.getKey();
            PeerPlan plan = e.getValue();
            if (osd == me) {
                continue;
            }
            List<ObjectName> lacks = ActivationPlan.lacks(plan, () -> List.of(names(copies.objects(coll, pg.pool())),
                    missing.lackedBy(me), listMember(map, osd, pg)));
            if (plan instanceof PeerPlan.Recover r && r.rewindTo().isPresent()) {
                push(map, pg, osd, PushRequest.newBuilder().setRewind(PushRewind.newBuilder()
                        .setTo(Versions.toProto(r.rewindTo().get()))));
            }
            // one transaction on the member: its position, the history with its request ids, and
            // what it still lacks land together
            PushActivate.Builder act = PushActivate.newBuilder().setLastUpdate(Versions.toProto(head))
                    .setLastEpochStarted(a.epoch()).setBackfilled(plan instanceof PeerPlan.Backfill);
            if (PeerPlan.needsWork(plan)) {
                log = log != null ? log : logEntries(pg, coll);
                act.addAllLogEntries(log);
                if (lacks.isEmpty()) {
                    completeNow.add(osd);
                } else {
                    act.setLastComplete(Versions.toProto(LogMerge.lastComplete(m.info(osd), plan)));
                    missing.add(osd, lacks, plan instanceof PeerPlan.Backfill);
                }
            }
            push(map, pg, osd, PushRequest.newBuilder().setActivate(act));
        }
        long copiesMissing = missing.copiesMissing();
        if (copiesMissing > 0) {
            LOG.info("pg {} active in epoch {} at {} (authority osd.{}): {} object copies to recover", pg, a.epoch(),
                    head, a.authority(), copiesMissing);
        }
        return new Result(missing, completeNow);
    }

    private void activateHere(OsdMap map, PgId pg, CollectionId coll, PeeringMachine m, Action.Activate a,
                              PgMissing missing, List<Integer> completeNow) {
        PeerPlan mine = a.plans().get(me);
        Transaction txn = new Transaction();
        if (PeerPlan.needsWork(mine)) {
            // the authority's history, request ids included: a client resending a write this PG
            // already holds must be recognised here too
            List<LogEntry> history = fetchLog(map, pg, a.authority(), Eversion.ZERO).entries();
            List<ObjectName> lacks = ActivationPlan.lacks(mine, () -> List.of(listMember(map, a.authority(), pg),
                    names(copies.objects(coll, pg.pool()))));
            switch (mine) {
                case PeerPlan.Current c -> { }
                case PeerPlan.Recover r -> r.rewindTo().ifPresent(to -> copies.rewind(txn, coll, to));
                case PeerPlan.Backfill b -> copies.resetLog(txn, coll, a.authorityInfo().lastUpdate());
            }
            // after the rewind or reset, so no entry of it (and no request id) is lost
            copies.recordEntries(txn, coll, pg.pool(), history);
            if (lacks.isEmpty()) {
                completeNow.add(me);
            } else {
                copies.setLastComplete(txn, coll, LogMerge.lastComplete(m.info(me), mine));
                missing.add(me, lacks, mine instanceof PeerPlan.Backfill);
            }
        }
        copies.setLastUpdate(txn, coll, a.authorityInfo().lastUpdate());
        copies.setLastEpochStarted(txn, coll, a.epoch());
        synchronized (registry.lockOf(pg)) {
            requireSamePgNum(pg, map);
            store.queueTransactions(List.of(txn)).join();
        }
        // copies of the interval that ended are over: what they left half done goes
        copies.pieces().clearTemps(coll);
    }

    /** A member (or this primary) holds every object its log names again. */
    void markComplete(OsdMap map, PgId pg, int osd) {
        if (osd == me) {
            Transaction txn = new Transaction();
            copies.markComplete(txn, CollectionId.of(pg.toString()));
            store.queueTransactions(List.of(txn)).join();
        } else {
            push(map, pg, osd, PushRequest.newBuilder().setComplete(PushComplete.getDefaultInstance()));
        }
    }

    /**
     * Every member holds everything: records last_epoch_clean on each, then tells the OSDs that
     * still hold an old copy outside the acting set (after a remap) to delete it.
     */
    void markClean(OsdMap map, PgId pg, List<Integer> acting, List<Integer> strays, int epoch) {
        for (int osd : acting) {
            if (osd == me) {
                Transaction txn = new Transaction();
                copies.setLastEpochClean(txn, CollectionId.of(pg.toString()), epoch);
                store.queueTransactions(List.of(txn)).join();
            } else {
                push(map, pg, osd, PushRequest.newBuilder().setClean(PushClean.newBuilder().setLastEpochClean(epoch)));
            }
        }
        for (int osd : strays) {
            try {
                push(map, pg, osd, PushRequest.newBuilder().setRemoveStray(PushRemoveStray.getDefaultInstance()));
            } catch (RuntimeException e) {
                // it keeps its copy; the next clean peering that hears from it asks again
                LOG.debug("pg {}: stray copy on osd.{} not removed: {}", pg, osd, e.toString());
            }
        }
    }

    PgLog fetchLog(OsdMap map, PgId pg, int osd, Eversion after) {
        PgLogReply r = peers.blocking(map, osd).pgLog(PgLogRequest.newBuilder().setPool(pg.pool()).setSeed(pg.seed())
                .setAfter(Versions.toProto(after)).build());
        check(r.getCode(), r.getMessage(), osd);
        return logOf(r);
    }

    static PgLog logOf(PgLogReply r) {
        return new PgLog(Versions.fromProto(r.getTail()), r.getEntriesList().stream().map(PgCopies::fromProto).toList());
    }

    private void requireSamePgNum(PgId pg, OsdMap map) {
        Pool now = maps.current().pool(pg.pool());
        if (now == null || now.pgNum() != map.pool(pg.pool()).pgNum()) {
            throw new CairnException(ErrorCode.EAGAIN, "pg " + pg + " split while activating");
        }
    }

    /** This (now authoritative) primary's log, to send with a member's recovery. */
    private List<PgLogEntry> logEntries(PgId pg, CollectionId coll) {
        return copies.log(coll, Eversion.ZERO).entries().stream().map(e -> PgCopies.toProto(pg.pool(), e)).toList();
    }

    /** A push for {@code pg} from this interval's map (a member on a newer interval refuses it). */
    private void push(OsdMap map, PgId pg, int osd, PushRequest.Builder change) {
        RepOpReply r = peers.blocking(map, osd).push(change.setEpoch(map.epoch()).setPool(pg.pool())
                .setSeed(pg.seed()).build());
        check(r.getCode(), r.getMessage(), osd);
    }

    private static void check(int code, String message, int osd) {
        if (code != 0) {
            throw new CairnException(ErrorCode.EAGAIN, "osd." + osd + ": " + message);
        }
    }

    private static Collection<ObjectName> names(List<io.cairn.proto.v1.ObjectLocator> objects) {
        return objects.stream().map(ObjectIds::nameOf).toList();
    }

    private List<ObjectName> listMember(OsdMap map, int osd, PgId pg) {
        List<ObjectName> out = new ArrayList<>();
        String cursor = "";
        for (int page = 0; page < LIST_PAGES_MAX; page++) {
            ListReply r = peers.blocking(map, osd).list(ListRequest.newBuilder().setPool(pg.pool()).setSeed(pg.seed())
                    .setCursor(cursor).setMax(LIST_PAGE).setAllNamespaces(true).setMember(true).build());
            if (r.getCode() != 0) {
                throw new CairnException(ErrorCode.EAGAIN, "listing osd." + osd + "'s copy of " + pg + ": "
                        + r.getMessage());
            }
            for (var e : r.getEntriesList()) {
                out.add(new ObjectName(e.getNspace(), e.getName(), e.getKey()));
            }
            cursor = r.getNextCursor();
            if (cursor.isEmpty()) {
                break;
            }
        }
        return out;
    }
}
