package io.cairn.osd.peering.driver;

import io.cairn.common.osdmap.OsdInfo;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Pool;
import io.cairn.common.time.Clock;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.Transaction;
import io.cairn.osd.mon.MonLink;
import io.cairn.osd.net.OsdErrors;
import io.cairn.osd.net.PeerChannels;
import io.cairn.osd.peering.PastIntervals;
import io.cairn.osd.peering.PeeringMachine;
import io.cairn.osd.peering.PeeringMachine.Action;
import io.cairn.osd.peering.PeeringMachine.Event;
import io.cairn.osd.peering.PgInfo;
import io.cairn.osd.pg.IntervalCheck;
import io.cairn.osd.pg.MapGate;
import io.cairn.osd.pg.MapHistory;
import io.cairn.osd.pg.Pg;
import io.cairn.osd.pg.PgActivator;
import io.cairn.osd.pg.PgCopies;
import io.cairn.osd.pg.PgRegistry;
import io.cairn.osd.pg.RecentRequests;
import io.cairn.osd.pg.Versions;
import io.cairn.osd.recovery.PgRecovery;
import io.cairn.proto.v1.PgInfoReply;
import io.cairn.proto.v1.PgInfoRequest;
import io.cairn.proto.v1.PgLogReply;
import io.cairn.proto.v1.PgLogRequest;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one driver of every {@link PeeringMachine} on this OSD. A machine is stepped only on its
 * PG's queue; the driver turns its actions into I/O and the answers back into events: queries go
 * out asynchronously (a frozen peer holds up no thread, only its own answer), up_thru and pg_temp
 * through the monitor link, activation and marking clean on the peering threads; new maps, time
 * ({@link #tick}) and recovery's reports come in as events too. Nothing here decides what
 * peering does next — the machine does.
 */
public final class PeeringDriver implements PgActivator, PgRecovery.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(PeeringDriver.class);
    /** How far back past intervals are built when the PG's last_epoch_clean is not known here. */
    static final int HISTORY_EPOCHS_MAX = 400;

    /** One peering of one PG for one interval sequence: its machine, and what activation left. */
    private static final class Run {
        final Pg pg;
        final int seq;
        final OsdMap map;
        final PgMapping pm;
        final PeeringMachine machine;
        volatile boolean ended;
        /** After a failed step: no new run before this (monotonic ms). */
        volatile long retryAtMs;
        volatile PgRecovery.Active active;

        Run(Pg pg, int seq, OsdMap map, PgMapping pm, PeeringMachine machine) {
            this.pg = pg;
            this.seq = seq;
            this.map = map;
            this.pm = pm;
            this.machine = machine;
        }
    }

    private final PgRegistry registry;
    private final MapGate maps;
    private final MapHistory history;
    private final PgCopies copies;
    private final ObjectStore store;
    private final PeerChannels peers;
    private final MonLink mon;
    private final PgRecovery recovery;
    private final Activation activation;
    private final Executor peeringThreads;
    private final Clock clock;
    private final int me;
    /** The newest run of each PG this OSD leads or led. */
    private final Map<PgId, Run> runs = new ConcurrentHashMap<>();

    public PeeringDriver(PgRegistry registry, MapGate maps, MapHistory history, PgCopies copies, ObjectStore store,
                         PeerChannels peers, MonLink mon, PgRecovery recovery, Executor peeringThreads, Clock clock,
                         int me) {
        this.registry = registry;
        this.maps = maps;
        this.history = history;
        this.copies = copies;
        this.store = store;
        this.peers = peers;
        this.mon = mon;
        this.recovery = recovery;
        this.activation = new Activation(peers, copies, store, registry, maps, me);
        this.peeringThreads = peeringThreads;
        this.clock = clock;
        this.me = me;
        registry.onInvalidate(id -> {
            Run r = runs.get(id);
            if (r != null) {
                r.ended = true;
            }
            recovery.stop(id);
        });
        recovery.setListener(this);
    }

    @Override
    public boolean ensureActive(OsdMap map, PgId id, PgMapping pm) {
        if (pm.actingPrimary() != me) {
            return true;
        }
        Pg pg = registry.get(id);
        if (pg.serves(pm.acting())) {
            return true;
        }
        kick(pg);
        return false;
    }

    private void kick(Pg pg) {
        if (!pg.claimPeering()) {
            return;
        }
        try {
            peeringThreads.execute(() -> {
                try {
                    begin(pg);
                } catch (RuntimeException e) {
                    LOG.info("pg {} not peered yet: {}", pg.id(), OsdErrors.messageOf(e));
                } finally {
                    pg.peeringDone();
                }
            });
        } catch (RejectedExecutionException e) {
            pg.peeringDone();
        }
    }

    /** Starts a run for the PG's current interval unless one is live (peering thread). */
    private void begin(Pg pg) {
        OsdMap map = maps.current();
        Pool pool = map == null ? null : map.pool(pg.id().pool());
        if (pool == null || pg.id().seed() >= pool.pgNum()) {
            return;
        }
        PgMapping pm = map.mapPg(pg.id());
        if (pm.actingPrimary() != me || !registry.splitFor(map) || pg.serves(pm.acting())) {
            return;
        }
        int seq = pg.intervalSeq();
        Run cur = runs.get(pg.id());
        if (cur != null && cur.seq == seq && IntervalCheck.sameInterval(cur.pm, pm)
                && (!cur.ended || clock.monotonicMs() < cur.retryAtMs)) {
            return;
        }
        registry.ensureCollection(pg.id(), map);
        // a write that failed at a replica may still be committing here: peering and the request
        // ids it reads must see it, or a client's resend of it would be applied twice
        flush(pg);
        PgInfo mine = copies.info(pg.coll());
        int from = Math.max(Math.max(pool.createdEpoch(), mine.lastEpochClean()), map.epoch() - HISTORY_EPOCHS_MAX);
        PastIntervals.History past = PastIntervals.build(history.views(pg.id(), from, map));
        PeeringMachine m = new PeeringMachine(new PeeringMachine.Start(map.epoch(), me, pm.up(), pm.acting(),
                pool.size(), pool.minSize(), past, upOsds(map), mine, copies.log(pg.coll(), mine.logTail()),
                map.osd(me).upThru(), map.pgTemp().containsKey(pg.id())));
        Run run = new Run(pg, seq, map, pm, m);
        if (cur != null) {
            cur.ended = true;
        }
        runs.put(pg.id(), run);
        pg.setMachine(m);
        post(run, () -> {
            execute(run, m.start());
            // said once per run: a down PG peers again only when a map shows an OSD back, or rarely
            switch (m.phase()) {
                case DOWN -> LOG.warn("pg {} is down: no OSD of interval {} is up", pg.id(), m.blockedBy().orElseThrow());
                case INCOMPLETE -> LOG.warn("pg {} is incomplete: osd.{} has the newest history but still lacks objects",
                        pg.id(), m.authority());
                default -> { }
            }
        });
    }

    private void flush(Pg pg) {
        store.queueTransactions(List.of(new Transaction().touch(pg.coll(), PgCopies.PGMETA))).join();
    }

    private static Set<Integer> upOsds(OsdMap map) {
        return map.osds().values().stream().filter(o -> o.exists() && o.up()).map(OsdInfo::id)
                .collect(Collectors.toSet());
    }

    private boolean current(Run run) {
        return !run.ended && runs.get(run.pg.id()) == run && run.pg.intervalSeq() == run.seq;
    }

    /** Runs {@code task} on the PG's queue, where alone the machine is stepped. */
    private void post(Run run, Runnable task) {
        try {
            run.pg.queue().post(task);
        } catch (RejectedExecutionException e) {
            fail(run, e);
        }
    }

    private void step(Run run, Event event) {
        post(run, () -> {
            if (current(run)) {
                execute(run, run.machine.step(event));
            }
        });
    }

    /** Carries out the machine's actions (PG queue): never blocks, the I/O goes elsewhere. */
    private void execute(Run run, List<Action> actions) {
        PgId id = run.pg.id();
        for (Action action : actions) {
            switch (action) {
                case Action.QueryInfo q -> q.osds().forEach(osd -> queryInfo(run, osd));
                case Action.QueryLog q -> queryLog(run, q);
                case Action.RequestUpThru r -> mon.requestUpThru(r.epoch()).whenComplete((v, e) -> mapUpdated(run));
                case Action.Activate a -> onPeeringThread(run, () -> activated(run, activation.activate(run.map, id,
                        run.machine, a)));
                case Action.MarkClean c -> onPeeringThread(run, () -> activation.markClean(run.map, id,
                        run.pm.acting(), run.machine.strays(), c.epoch()));
                case Action.RequestPgTemp t -> {
                    LOG.info("pg {}: {}", id, t.acting().isEmpty() ? "asking to act on the up set again"
                            : "asking for pg_temp " + t.acting() + " while up members are backfilled");
                    mon.requestPgTemp(id.toString(), t.acting()).whenComplete((v, e) -> {
                        if (e != null) {
                            fail(run, e);
                        }
                    });
                }
                case Action.Restart r -> {
                    LOG.debug("pg {}: peering again: {}", id, r.why());
                    run.ended = true;
                    kick(run.pg);
                }
            }
        }
    }

    private void queryInfo(Run run, int osd) {
        PgId id = run.pg.id();
        PgInfoRequest req = PgInfoRequest.newBuilder().setEpoch(run.map.epoch()).setPool(id.pool()).setSeed(id.seed())
                .build();
        call(run, osd, (stub, out) -> stub.pgInfo(req, out), (PgInfoReply r) -> {
            if (r.getCode() != 0) {
                throw new IllegalStateException(r.getMessage());
            }
            return new Event.InfoReceived(osd, infoOf(r));
        });
    }

    private void queryLog(Run run, Action.QueryLog q) {
        PgId id = run.pg.id();
        PgLogRequest req = PgLogRequest.newBuilder().setPool(id.pool()).setSeed(id.seed())
                .setAfter(Versions.toProto(q.after())).build();
        call(run, q.osd(), (stub, out) -> stub.pgLog(req, out), (PgLogReply r) -> {
            if (r.getCode() != 0) {
                throw new IllegalStateException(r.getMessage());
            }
            return new Event.LogReceived(q.osd(), Activation.logOf(r));
        });
    }

    private interface Call<T> {
        void send(io.cairn.proto.v1.OsdServiceGrpc.OsdServiceStub stub, StreamObserver<T> out);
    }

    private interface ToEvent<T> {
        Event apply(T reply);
    }

    /** One async query; its answer (or its failure: PeerUnreachable) is stepped on the PG's queue. */
    private <T> void call(Run run, int osd, Call<T> call, ToEvent<T> toEvent) {
        try {
            // the newest map's address: a peer that restarted within the interval listens elsewhere now
            call.send(peers.async(maps.current(), osd), new StreamObserver<>() {
                @Override
                public void onNext(T reply) {
                    Event e;
                    try {
                        e = toEvent.apply(reply);
                    } catch (RuntimeException refused) {
                        LOG.debug("pg {}: osd.{} refused: {}", run.pg.id(), osd, refused.getMessage());
                        e = new Event.PeerUnreachable(osd);
                    }
                    step(run, e);
                }

                @Override
                public void onError(Throwable t) {
                    LOG.debug("pg {}: no answer from osd.{}: {}", run.pg.id(), osd, t.toString());
                    step(run, new Event.PeerUnreachable(osd));
                }

                @Override
                public void onCompleted() {
                }
            });
        } catch (RuntimeException e) {
            step(run, new Event.PeerUnreachable(osd));
        }
    }

    static PgInfo infoOf(PgInfoReply r) {
        var lu = Versions.fromProto(r.getLastUpdate());
        var tail = Versions.fromProto(r.getLogTail());
        var lc = Versions.fromProto(r.getLastComplete());
        return new PgInfo(lu, tail.newerThan(lu) ? lu : tail, r.getLastEpochStarted(), r.getLastEpochClean(),
                lc.newerThan(lu) ? lu : lc);
    }

    private void onPeeringThread(Run run, Runnable work) {
        try {
            peeringThreads.execute(() -> {
                if (!current(run)) {
                    return;
                }
                try {
                    work.run();
                } catch (RuntimeException e) {
                    fail(run, e);
                }
            });
        } catch (RejectedExecutionException e) {
            fail(run, e);
        }
    }

    /**
     * A step's I/O failed: this run ends; a new one starts after the retry interval. A run that
     * already serves (marking a member complete or the PG clean failed) stops serving, so that the
     * new run can finish what this one could not.
     */
    private void fail(Run run, Throwable e) {
        if (!run.ended) {
            LOG.info("pg {} not peered yet: {}", run.pg.id(), OsdErrors.messageOf(e));
        }
        run.retryAtMs = clock.monotonicMs() + PeeringMachine.RETRY_MS;
        boolean serving = run.active != null && current(run);
        run.ended = true;
        if (serving) {
            registry.invalidate(run.pg.id());
        }
    }

    /** Activation's I/O is done (peering thread): serve, start recovery, report who is complete. */
    private void activated(Run run, Activation.Result result) {
        Pg pg = run.pg;
        RecentRequests recent = RecentRequests.fromLog(copies.requests(pg.coll()));
        // counted once per activation; the writes applied here keep the counts up to date after
        long[] counts = copies.counts(pg.coll());
        pg.setCounts(counts[0], counts[1]);
        synchronized (pg.lock()) {
            OsdMap now = maps.current();
            if (!current(run) || now.pool(pg.id().pool()) == null
                    || !IntervalCheck.sameInterval(now.mapPg(pg.id()), run.pm)) {
                return;
            }
            if (!pg.serve(run.seq, run.pm.acting(), run.map.epoch(), copies.lastUpdate(pg.coll()).version(), recent)) {
                return;
            }
            run.active = new PgRecovery.Active(pg.id(), run.map, run.pm, result.missing());
            // serving from here; objects still missing are copied in the background or ahead of an op
            recovery.start(run.active);
        }
        for (int osd : result.completeNow()) {
            step(run, new Event.PeerRecovered(osd));
        }
    }

    @Override
    public void recovered(PgRecovery.Active a, List<Integer> osds) {
        Run run = runs.get(a.pg());
        if (run == null || run.active != a) {
            return;
        }
        onPeeringThread(run, () -> {
            for (int osd : osds) {
                activation.markComplete(a.map(), a.pg(), osd);
            }
            osds.forEach(osd -> step(run, new Event.PeerRecovered(osd)));
        });
    }

    @Override
    public void repeer(PgId id) {
        registry.invalidate(id);
        kick(registry.get(id));
    }

    /** A new map: every live machine hears who is up and this OSD's up_thru (map thread; only posts). */
    public void mapChanged() {
        Event.MapUpdated e = mapUpdate();
        if (e == null) {
            return;
        }
        for (Run run : runs.values()) {
            if (current(run)) {
                step(run, e);
            }
        }
    }

    /** The newest map as the machines hear it; null before this OSD is in one. */
    private Event.MapUpdated mapUpdate() {
        OsdMap m = maps.current();
        return m == null || m.osd(me) == null ? null : new Event.MapUpdated(upOsds(m), m.osd(me).upThru());
    }

    private void mapUpdated(Run run) {
        Event.MapUpdated e = mapUpdate();
        if (e != null) {
            step(run, e);
        }
    }

    /**
     * Time for every live machine, and a new run for each PG this OSD leads that is not served
     * (a failed run's retry). Timer thread; only posts and queues.
     */
    public void tick() {
        long now = clock.monotonicMs();
        for (Run run : runs.values()) {
            if (current(run) && run.machine.waiting()) {
                post(run, () -> {
                    if (current(run)) {
                        execute(run, run.machine.tick(now));
                    }
                });
            }
        }
        OsdMap m = maps.current();
        if (m == null) {
            return;
        }
        for (PgId id : registry.held()) {
            Pool pool = m.pool(id.pool());
            if (pool != null && id.seed() < pool.pgNum()) {
                ensureActive(m, id, m.mapPg(id));
            }
        }
    }

    /** Forgets the PG (its copy here is gone). */
    public void forget(PgId id) {
        Run r = runs.remove(id);
        if (r != null) {
            r.ended = true;
        }
    }
}
