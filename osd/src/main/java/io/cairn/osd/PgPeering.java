package io.cairn.osd;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Pool;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.Transaction;
import io.cairn.osd.peering.Eversion;
import io.cairn.osd.peering.LogEntry;
import io.cairn.osd.peering.LogMerge;
import io.cairn.osd.peering.ObjectName;
import io.cairn.osd.peering.PastIntervals;
import io.cairn.osd.peering.PeerPlan;
import io.cairn.osd.peering.PeeringMachine;
import io.cairn.osd.peering.PeeringMachine.Action;
import io.cairn.osd.peering.PeeringMachine.Event;
import io.cairn.osd.peering.PgInfo;
import io.cairn.osd.peering.PgLog;
import io.cairn.proto.v1.ListReply;
import io.cairn.proto.v1.ListRequest;
import io.cairn.proto.v1.ObjectLocator;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O shell around {@link PeeringMachine}: for one PG this OSD leads, builds the PG's past
 * intervals from the map history, runs the machine, and carries out its actions — info and log
 * queries to the prior set, up_thru from the monitors, and activation: every member gets the
 * authoritative log and its position, and what each still lacks is returned as a
 * {@link PgMissing}. Object copies (pull from the authority to the primary, push from the primary
 * to members, whole objects) run later, one object at a time, through {@link #recoverObject}.
 * Blocking; runs on the recovery threads, never on op or gRPC threads.
 */
final class PgPeering {
    private static final Logger LOG = LoggerFactory.getLogger(PgPeering.class);
    /** How far back past intervals are built when the PG's last_epoch_clean is not known here. */
    static final int HISTORY_EPOCHS_MAX = 400;
    private static final int STEPS_MAX = 10_000;
    private static final int UP_THRU_WAITS_MAX = 40;
    private static final java.time.Duration UP_THRU_WAIT = java.time.Duration.ofMillis(250);

    /** What peering needs from its daemon. */
    interface Shell {
        OsdMap map();

        boolean awaitEpoch(int epoch, java.time.Duration timeout);

        /** Asks the monitors to record up_thru; returns normally when asked (recorded or not). */
        void requestUpThru(int want);

        OsdServiceGrpc.OsdServiceBlockingStub stub(OsdMap map, int osd);

        /** The PG's lock: writes into the PG's copy take it. */
        Object lockOf(PgId pg);

        /** Asks the monitors for the PG's pg_temp (empty: drop it); returns once they answered. */
        void requestPgTemp(PgId pg, List<Integer> acting);
    }

    private final ObjectStore store;
    private final PgCopies copies;
    private final MapHistory history;
    private final Shell shell;
    private final int me;
    private final java.util.concurrent.atomic.AtomicLong recoveredObjects = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong recoveredBytes = new java.util.concurrent.atomic.AtomicLong();

    PgPeering(ObjectStore store, PgCopies copies, MapHistory history, Shell shell, int me) {
        this.store = store;
        this.copies = copies;
        this.history = history;
        this.shell = shell;
        this.me = me;
    }

    /** Objects copied by recovery and backfill since this OSD started (pulled and pushed). */
    long recoveredObjects() {
        return recoveredObjects.get();
    }

    long recoveredBytes() {
        return recoveredBytes.get();
    }

    /** What peering leaves the daemon: the machine, and once active, the objects members still lack. */
    record Peered(PeeringMachine machine, PgMissing missing) { }

    /**
     * Peers {@code pg} for the interval {@code pm} belongs to, publishing the machine as it goes,
     * up to going active. Throws EAGAIN when a peer did not answer or the interval changed.
     */
    Peered peer(OsdMap map, PgId pg, PgMapping pm, Consumer<PeeringMachine> publish) {
        Pool pool = map.pool(pg.pool());
        CollectionId coll = CollectionId.of(pg.toString());
        PgInfo mine = copies.info(coll);
        int from = Math.max(Math.max(pool.createdEpoch(), mine.lastEpochClean()), map.epoch() - HISTORY_EPOCHS_MAX);
        PastIntervals.History past = PastIntervals.build(history.views(pg, from, map));
        Set<Integer> upOsds = map.osds().values().stream().filter(o -> o.exists() && o.up()).map(o -> o.id())
                .collect(Collectors.toSet());
        PeeringMachine m = new PeeringMachine(new PeeringMachine.Start(map.epoch(), me, pm.up(), pm.acting(),
                pool.size(), pool.minSize(), past, upOsds, mine, copies.log(coll, mine.logTail()),
                map.osd(me).upThru()));
        publish.accept(m);
        Deque<Action> todo = new ArrayDeque<>(m.start());
        PgMissing missing = null;
        for (int steps = 0; !todo.isEmpty(); steps++) {
            if (steps > STEPS_MAX) {
                throw new IllegalStateException("peering " + pg + " did not settle in " + STEPS_MAX + " steps");
            }
            requireSameInterval(pg, pm, pool.pgNum());
            switch (todo.poll()) {
                case Action.QueryInfo q -> {
                    for (int osd : q.osds()) {
                        try {
                            PgInfoReply r = shell.stub(map, osd).pgInfo(PgInfoRequest.newBuilder().setEpoch(map.epoch())
                                    .setPool(pg.pool()).setSeed(pg.seed()).build());
                            check(r.getCode(), r.getMessage(), osd);
                            todo.addAll(m.step(new Event.InfoReceived(osd, infoOf(r))));
                        } catch (RuntimeException e) {
                            LOG.debug("pg {}: no info from osd.{}: {}", pg, osd, e.toString());
                            m.step(new Event.PeerUnreachable(osd));
                        }
                    }
                    if (m.phase() == PeeringMachine.Phase.GET_INFO) {
                        throw new CairnException(ErrorCode.EAGAIN, "pg " + pg + " waits for osd(s) " + m.unreachable());
                    }
                }
                case Action.QueryLog q -> todo.addAll(m.step(new Event.LogReceived(q.osd(), fetchLog(map, pg, q))));
                case Action.RequestUpThru r -> todo.addAll(m.step(new Event.UpThruUpdated(awaitUpThru(r.epoch()))));
                case Action.Activate a -> {
                    List<Integer> completeNow = new ArrayList<>();
                    missing = activate(map, pg, coll, m, a, completeNow);
                    for (int osd : completeNow) {
                        todo.addAll(m.step(new Event.PeerRecovered(osd)));
                    }
                }
                case Action.MarkClean c -> markClean(map, pg, coll, pm.acting(), m.strays(), c.epoch());
                case Action.RequestPgTemp t -> requestPgTemp(pg, t.acting());
            }
        }
        return new Peered(m, missing);
    }

    private void requireSameInterval(PgId pg, PgMapping pm, int pgNum) {
        OsdMap now = shell.map();
        Pool pool = now.pool(pg.pool());
        if (pool == null) {
            throw new CairnException(ErrorCode.EAGAIN, "pool of " + pg + " is gone");
        }
        PgMapping cur = now.mapPg(pg);
        if (!cur.acting().equals(pm.acting()) || !cur.up().equals(pm.up()) || cur.actingPrimary() != pm.actingPrimary()
                || pool.pgNum() != pgNum) {
            throw new CairnException(ErrorCode.EAGAIN, "pg " + pg + " changed interval while peering");
        }
    }

    private static void check(int code, String message, int osd) {
        if (code != 0) {
            throw new CairnException(ErrorCode.EAGAIN, "osd." + osd + ": " + message);
        }
    }

    static PgInfo infoOf(PgInfoReply r) {
        Eversion lu = new Eversion(r.getLastUpdateEpoch(), r.getLastUpdate());
        Eversion tail = new Eversion(r.getLogTailEpoch(), r.getLogTail());
        Eversion lc = new Eversion(r.getLastCompleteEpoch(), r.getLastComplete());
        return new PgInfo(lu, tail.newerThan(lu) ? lu : tail, r.getLastEpochStarted(), r.getLastEpochClean(),
                lc.newerThan(lu) ? lu : lc);
    }

    private PgLog fetchLog(OsdMap map, PgId pg, Action.QueryLog q) {
        PgLogReply r = shell.stub(map, q.osd()).pgLog(PgLogRequest.newBuilder().setPool(pg.pool()).setSeed(pg.seed())
                .setAfter(q.after().version()).setAfterEpoch(q.after().epoch()).build());
        check(r.getCode(), r.getMessage(), q.osd());
        return new PgLog(new Eversion(r.getTailEpoch(), r.getTail()),
                r.getEntriesList().stream().map(PgCopies::fromProto).toList());
    }

    private int awaitUpThru(int want) {
        shell.requestUpThru(want);
        for (int i = 0; i < UP_THRU_WAITS_MAX; i++) {
            OsdMap m = shell.map();
            if (m.osd(me).upThru() >= want) {
                return m.osd(me).upThru();
            }
            shell.awaitEpoch(m.epoch() + 1, UP_THRU_WAIT);
        }
        throw new CairnException(ErrorCode.EAGAIN, "the monitors did not record up_thru " + want + " for osd." + me);
    }

    /**
     * Going active: the primary, then every other member, gets the authoritative log, its new
     * last_update and last_epoch_started, and (when it still lacks objects) its last_complete, so
     * the PG can serve at once. Returns the objects each member lacks, for the daemon to copy
     * in the background and ahead of client ops; {@code completeNow} gets the members that
     * turned out to lack nothing.
     */
    private PgMissing activate(OsdMap map, PgId pg, CollectionId coll, PeeringMachine m, Action.Activate a,
                               List<Integer> completeNow) {
        Eversion head = a.authorityInfo().lastUpdate();
        PgMissing missing = new PgMissing(a.authority());
        PeerPlan mine = a.plans().get(me);
        Transaction txn = new Transaction();
        if (PeerPlan.needsWork(mine)) {
            // the authority's history, request ids included: a client resending a write this PG
            // already holds must be recognised here too
            List<LogEntry> history = fetchLog(map, pg, new Action.QueryLog(a.authority(), Eversion.ZERO)).entries();
            List<ObjectName> lacks = switch (mine) {
                case PeerPlan.Current c -> List.of();
                case PeerPlan.Recover r -> List.copyOf(r.missing().keySet());
                case PeerPlan.Backfill b -> names(union(listMember(shell.stub(map, a.authority()), pg),
                        copies.objects(coll, pg.pool())));
            };
            switch (mine) {
                case PeerPlan.Current c -> { }
                case PeerPlan.Recover r -> r.rewindTo().ifPresent(to -> copies.rewind(txn, coll, to));
                case PeerPlan.Backfill b -> copies.resetLog(txn, coll, head);
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
        copies.setLastUpdate(txn, coll, head);
        copies.setLastEpochStarted(txn, coll, a.epoch());
        synchronized (shell.lockOf(pg)) {
            requireSamePgNum(pg, map);
            store.queueTransactions(List.of(txn)).join();
        }
        List<PgLogEntry> log = null;
        for (Map.Entry<Integer, PeerPlan> e : a.plans().entrySet()) {
            int osd = e.getKey();
            PeerPlan plan = e.getValue();
            if (osd == me) {
                continue;
            }
            OsdServiceGrpc.OsdServiceBlockingStub to = shell.stub(map, osd);
            PushRequest base = pushTo(map, pg).build();
            List<ObjectName> lacks = switch (plan) {
                case PeerPlan.Current c -> List.of();
                case PeerPlan.Recover r -> List.copyOf(r.missing().keySet());
                case PeerPlan.Backfill b -> {
                    Set<ObjectName> all = new LinkedHashSet<>(names(copies.objects(coll, pg.pool())));
                    all.addAll(missing.lackedBy(me));
                    all.addAll(names(listMember(to, pg)));
                    yield List.copyOf(all);
                }
            };
            if (plan instanceof PeerPlan.Recover r && r.rewindTo().isPresent()) {
                Eversion at = r.rewindTo().get();
                push(to, base.toBuilder().setRewind(true).setRewindTo(at.version()).setRewindToEpoch(at.epoch()).build(), osd);
            }
            // one transaction on the member: its position, the history with its request ids, and
            // what it still lacks land together
            PushRequest.Builder last = base.toBuilder().setLastUpdate(head.version()).setLastUpdateEpoch(head.epoch())
                    .setLastEpochStarted(a.epoch()).setBackfilled(plan instanceof PeerPlan.Backfill);
            if (PeerPlan.needsWork(plan)) {
                log = log != null ? log : logEntries(pg, coll);
                last.addAllLogEntries(log);
                if (lacks.isEmpty()) {
                    completeNow.add(osd);
                } else {
                    Eversion lc = LogMerge.lastComplete(m.info(osd), plan);
                    last.setIncomplete(true).setLastComplete(lc.version()).setLastCompleteEpoch(lc.epoch());
                    missing.add(osd, lacks, plan instanceof PeerPlan.Backfill);
                }
            }
            push(to, last.build(), osd);
        }
        long copiesMissing = missing.copiesMissing();
        if (copiesMissing > 0) {
            LOG.info("pg {} active in epoch {} at {} (authority osd.{}): {} object copies to recover", pg, a.epoch(),
                    head, a.authority(), copiesMissing);
        }
        return missing;
    }

    /**
     * Copies one object to every member that lacks it: the primary first takes it from the
     * authority when it lacks it too, then pushes its own copy. Returns the members now complete.
     * The caller holds the object's slot, so no client op on it runs meanwhile.
     */
    List<Integer> recoverObject(OsdMap map, PgId pg, PgMissing missing, ObjectName o) {
        Set<Integer> lack = missing.whoLacks(o);
        if (lack.isEmpty()) {
            return List.of();
        }
        CollectionId coll = CollectionId.of(pg.toString());
        ObjectLocator loc = PgCopies.locatorOf(pg.pool(), o);
        if (lack.contains(me)) {
            pull(map, shell.stub(map, missing.authority()), pg, coll, loc, missing.authority());
        }
        PushRequest base = pushTo(map, pg).build();
        for (int osd : lack) {
            if (osd != me) {
                pushObject(shell.stub(map, osd), base, coll, loc, osd);
            }
        }
        return missing.recovered(o);
    }

    /** A member (or this primary) holds every object its log names again. */
    void markComplete(OsdMap map, PgId pg, int osd) {
        if (osd == me) {
            Transaction txn = new Transaction();
            copies.markComplete(txn, CollectionId.of(pg.toString()));
            store.queueTransactions(List.of(txn)).join();
        } else {
            push(shell.stub(map, osd), pushTo(map, pg).setComplete(true).build(), osd);
        }
    }

    /** The new map (with or without the pg_temp) ends this interval; peering starts again then. */
    void requestPgTemp(PgId pg, List<Integer> acting) {
        LOG.info("pg {}: {}", pg, acting.isEmpty() ? "backfilled: asking to act on the up set again"
                : "asking for pg_temp " + acting + " while up members are backfilled");
        shell.requestPgTemp(pg, acting);
    }

    /** Asks {@code osd} for (or gives back) a backfill slot for {@code pg}. */
    io.cairn.proto.v1.BackfillReserveReply reserveBackfill(OsdMap map, PgId pg, int osd, boolean release) {
        return shell.stub(map, osd).backfillReserve(io.cairn.proto.v1.BackfillReserveRequest.newBuilder()
                .setEpoch(map.epoch()).setPool(pg.pool()).setSeed(pg.seed()).setFrom(me).setRelease(release).build());
    }

    /** Copies one object from the authority; its log entry came with the authority's history. */
    private void pull(OsdMap map, OsdServiceGrpc.OsdServiceBlockingStub from, PgId pg, CollectionId coll,
                      ObjectLocator o, int authority) {
        PullReply r = from.pull(PullRequest.newBuilder().setPool(pg.pool()).setSeed(pg.seed()).setOloc(o).build());
        check(r.getCode(), r.getMessage(), authority);
        recoveredObjects.incrementAndGet();
        recoveredBytes.addAndGet(r.getState().getData().size());
        Transaction txn = new Transaction();
        copies.write(txn, coll, OsdDaemon.objectId(o), r.getState());
        synchronized (shell.lockOf(pg)) {
            // a split since the copy began moved the PG's objects: this one must not land in the old place
            requireSamePgNum(pg, map);
            store.queueTransactions(List.of(txn)).join();
        }
    }

    private void requireSamePgNum(PgId pg, OsdMap map) {
        Pool now = shell.map().pool(pg.pool());
        if (now == null || now.pgNum() != map.pool(pg.pool()).pgNum()) {
            throw new CairnException(ErrorCode.EAGAIN, "pg " + pg + " split while recovering");
        }
    }

    private static List<ObjectName> names(List<ObjectLocator> objects) {
        return objects.stream().map(o -> new ObjectName(o.getNspace(), o.getName(), o.getKey())).toList();
    }

    /** This (now authoritative) primary's log, to send with a member's recovery. */
    private List<PgLogEntry> logEntries(PgId pg, CollectionId coll) {
        return copies.log(coll, Eversion.ZERO).entries().stream().map(e -> PgCopies.toProto(pg.pool(), e)).toList();
    }

    private void pushObject(OsdServiceGrpc.OsdServiceBlockingStub to, PushRequest base, CollectionId coll,
                            ObjectLocator o, int osd) {
        var state = copies.read(coll, OsdDaemon.objectId(o));
        push(to, base.toBuilder().setOloc(o).setState(state).build(), osd);
        recoveredObjects.incrementAndGet();
        recoveredBytes.addAndGet(state.getData().size());
    }

    /** A push for {@code pg} from this interval's map (a member on a newer interval refuses it). */
    private static PushRequest.Builder pushTo(OsdMap map, PgId pg) {
        return PushRequest.newBuilder().setEpoch(map.epoch()).setPool(pg.pool()).setSeed(pg.seed());
    }

    private static void push(OsdServiceGrpc.OsdServiceBlockingStub to, PushRequest req, int osd) {
        RepOpReply r = to.push(req);
        check(r.getCode(), r.getMessage(), osd);
    }

    /**
     * Every member holds everything: records last_epoch_clean on each, then tells the OSDs that
     * still hold an old copy outside the acting set (after a remap) to delete it.
     */
    void markClean(OsdMap map, PgId pg, CollectionId coll, List<Integer> acting, List<Integer> strays, int epoch) {
        for (int osd : acting) {
            if (osd == me) {
                Transaction txn = new Transaction();
                copies.setLastEpochClean(txn, coll, epoch);
                store.queueTransactions(List.of(txn)).join();
            } else {
                push(shell.stub(map, osd), pushTo(map, pg).setLastEpochClean(epoch).build(), osd);
            }
        }
        for (int osd : strays) {
            try {
                push(shell.stub(map, osd), pushTo(map, pg).setRemoveStray(true).build(), osd);
            } catch (RuntimeException e) {
                // it keeps its copy; the next clean peering that hears from it asks again
                LOG.debug("pg {}: stray copy on osd.{} not removed: {}", pg, osd, e.toString());
            }
        }
    }

    private static List<ObjectLocator> union(List<ObjectLocator> a, List<ObjectLocator> b) {
        Set<String> seen = new LinkedHashSet<>();
        List<ObjectLocator> out = new ArrayList<>();
        for (List<ObjectLocator> l : List.of(a, b)) {
            for (ObjectLocator o : l) {
                if (seen.add(o.getNspace() + "\0" + o.getName())) {
                    out.add(o);
                }
            }
        }
        return out;
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
