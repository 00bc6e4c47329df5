package io.cairn.osd.peering;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Peering of one PG by its primary in one interval, as a pure state machine: events in, actions
 * out, no I/O, threads or clocks inside (the shell around it does the asking and copying).
 *
 * <p>GetInfo asks every OSD of the prior set for its {@link PgInfo}; the authoritative member is
 * the one that went active most recently (last_epoch_started), then one holding every object
 * (last_complete), then the newest last_update, then the longest log; if even it still lacks
 * objects the PG is incomplete. GetLog fetches the authority's log; GetMissing fetches the logs
 * of members whose last_update the authority never wrote (divergent), so {@link LogMerge} can
 * plan each member's catch-up (up members outside the acting set included). If an up member needs
 * backfill, WaitActingChange asks for a pg_temp of full copies and ends the interval. Before going
 * active the primary needs the monitors to have recorded up_thru for this interval, so that later
 * peerings know this interval may have accepted writes. Active: the PG serves while the shell
 * recovers every member per its plan; then the pg_temp is dropped if there is one, or the PG is
 * clean (last_epoch_clean) if it has all its replicas.
 *
 * <p>Waiting is the machine's decision too: a peer that does not answer is asked again after
 * {@link #RETRY_MS} of {@link #tick} time, up_thru is asked again, a down or incomplete PG peers
 * from the start when a map shows an OSD back up (or after {@link #BLOCKED_RETRY_MS}), and a newer map of the same interval ({@link Event.MapUpdated}) that marks a
 * waited-for peer down restarts peering. Below min_size the PG waits for a new interval, or drops a
 * pg_temp whose full copies went down. A new map that changes the interval means a new machine;
 * replies meant for an old one are the driver's to drop. Methods are synchronized only so that a
 * stats reader sees a consistent state while the driver steps the machine.
 */
public final class PeeringMachine {
    public enum Phase {
        GET_INFO, GET_LOG, GET_MISSING, WAIT_ACTING_CHANGE, WAIT_UP_THRU, ACTIVE, CLEAN, DOWN, INCOMPLETE,
        /** Fewer acting members than min_size, and no pg_temp to drop: the PG waits for a new interval. */
        WAIT_MIN_SIZE
    }

    /** How long a wait (an unreachable peer, up_thru, a down or incomplete PG) lasts before it is tried again. */
    public static final long RETRY_MS = 1000;
    /** How long a pg_temp request may go without the map that ends the interval before it is made again. */
    public static final long ACTING_CHANGE_RETRY_MS = 5000;
    /**
     * A down or incomplete PG peers again as soon as a map shows an OSD up that was not; this is
     * only the fallback for what a map does not show.
     */
    public static final long BLOCKED_RETRY_MS = 10_000;

    /**
     * Everything the primary knows locally when an interval begins; {@code pgTemp}: the map holds a
     * pg_temp for the PG.
     */
    public record Start(int epoch, int me, List<Integer> up, List<Integer> acting, int poolSize, int minSize,
                        PastIntervals.History history, Set<Integer> upOsds, PgInfo myInfo, PgLog myLog, int myUpThru,
                        boolean pgTemp) {
        public Start {
            up = List.copyOf(up);
            acting = List.copyOf(acting);
            upOsds = Set.copyOf(upOsds);
            if (!acting.contains(me)) {
                throw new IllegalArgumentException("osd." + me + " peers a PG whose acting set " + acting + " it is not in");
            }
        }

        public Start(int epoch, int me, List<Integer> up, List<Integer> acting, int poolSize, int minSize,
                     PastIntervals.History history, Set<Integer> upOsds, PgInfo myInfo, PgLog myLog, int myUpThru) {
            this(epoch, me, up, acting, poolSize, minSize, history, upOsds, myInfo, myLog, myUpThru, false);
        }
    }

    public sealed interface Event {
        record InfoReceived(int osd, PgInfo info) implements Event { }

        record PeerUnreachable(int osd) implements Event { }

        record LogReceived(int osd, PgLog log) implements Event { }

        record UpThruUpdated(int upThru) implements Event { }

        record PeerRecovered(int osd) implements Event { }

        /** A newer map of the same interval: who is up now, and this OSD's up_thru in it. */
        record MapUpdated(Set<Integer> upOsds, int myUpThru) implements Event {
            public MapUpdated {
                upOsds = Set.copyOf(upOsds);
            }
        }
    }

    public sealed interface Action {
        record QueryInfo(Set<Integer> osds) implements Action { }

        /** The member's log entries after {@code after} (the answer's tail is {@code after}). */
        record QueryLog(int osd, Eversion after) implements Action { }

        record RequestUpThru(int epoch) implements Action { }

        /**
         * Go active: give each member (the primary first, from the authority) the authoritative
         * log and record last_epoch_started = epoch. The PG serves from then on while the shell
         * copies the objects each plan names, and reports each member with PeerRecovered.
         */
        record Activate(int epoch, int authority, PgInfo authorityInfo, Map<Integer, PeerPlan> plans) implements Action {
            public Activate {
                plans = Map.copyOf(plans);
            }
        }

        /** Every member holds everything: record last_epoch_clean = epoch. */
        record MarkClean(int epoch) implements Action { }

        /**
         * Ask the monitors for a pg_temp: serve from {@code acting} (full copies) while the up
         * members left out are backfilled; empty: drop it, the up set holds everything now. A
         * new map (a new interval) follows.
         */
        record RequestPgTemp(List<Integer> acting) implements Action {
            public RequestPgTemp {
                acting = List.copyOf(acting);
            }
        }

        /** What this machine waited on has changed (a peer went down, a retry of a down PG): peer from the start. */
        record Restart(String why) implements Action { }
    }

    private final Start start;
    private final Map<Integer, PgInfo> infos = new LinkedHashMap<>();
    private final Set<Integer> pendingInfo = new LinkedHashSet<>();
    private final Map<Integer, PgLog> peerLogs = new HashMap<>();
    private final Map<Integer, Eversion> pendingLogs = new LinkedHashMap<>();
    private final Set<Integer> unreachable = new LinkedHashSet<>();
    private final Set<Integer> recovering = new LinkedHashSet<>();
    private Phase phase = Phase.GET_INFO;
    private Optional<PastIntervals.Interval> blockedBy = Optional.empty();
    private int authority = -1;
    private PgLog authLog;
    private Map<Integer, PeerPlan> plans = Map.of();
    private boolean started;
    /** When the current wait began (monotonic ms, from {@link #tick}); -1 while not waiting. */
    private long waitingSinceMs = -1;

    public PeeringMachine(Start start) {
        this.start = start;
    }

    /** The first actions; call once. */
    public synchronized List<Action> start() {
        if (started) {
            throw new IllegalStateException("peering of this interval already started");
        }
        started = true;
        int upMembers = (int) start.up().stream().filter(o -> o >= 0).count();
        if (members() < start.minSize()) {
            phase = Phase.WAIT_MIN_SIZE;
            if (start.pgTemp() && upMembers >= start.minSize()) {
                // the full copies a pg_temp named are down below min_size: backfill on the up set instead
                phase = Phase.WAIT_ACTING_CHANGE;
                return List.of(new Action.RequestPgTemp(List.of()));
            }
            return List.of();
        }
        PastIntervals.PriorSet prior = PastIntervals.priorSet(start.history().past(), start.acting(), start.up(),
                start.upOsds()::contains);
        if (prior.pgDown()) {
            phase = Phase.DOWN;
            blockedBy = prior.blockedBy();
            return List.of();
        }
        infos.put(start.me(), start.myInfo());
        prior.probe().stream().filter(o -> o != start.me()).forEach(pendingInfo::add);
        if (pendingInfo.isEmpty()) {
            return afterInfos();
        }
        return List.of(new Action.QueryInfo(Set.copyOf(pendingInfo)));
    }

    public synchronized List<Action> step(Event event) {
        if (!started) {
            throw new IllegalStateException("step before start");
        }
        return switch (event) {
            case Event.InfoReceived e -> {
                if (phase != Phase.GET_INFO || !pendingInfo.remove(e.osd())) {
                    yield List.of();
                }
                infos.put(e.osd(), e.info());
                unreachable.remove(e.osd());
                yield pendingInfo.isEmpty() ? afterInfos() : List.of();
            }
            case Event.PeerUnreachable e -> {
                if (pendingInfo.contains(e.osd()) || pendingLogs.containsKey(e.osd())
                        || (phase == Phase.GET_LOG && e.osd() == authority)) {
                    unreachable.add(e.osd());
                }
                yield List.of();
            }
            case Event.LogReceived e -> {
                if (phase == Phase.GET_LOG && e.osd() == authority) {
                    unreachable.remove(e.osd());
                    authLog = e.log();
                    yield planMembers();
                }
                if (phase == Phase.GET_MISSING && pendingLogs.remove(e.osd()) != null) {
                    unreachable.remove(e.osd());
                    peerLogs.put(e.osd(), e.log());
                    yield pendingLogs.isEmpty() ? planMembers() : List.of();
                }
                yield List.of();
            }
            case Event.UpThruUpdated e -> {
                if (phase == Phase.WAIT_UP_THRU && e.upThru() >= start.history().currentSince()) {
                    yield activate();
                }
                yield List.of();
            }
            case Event.PeerRecovered e -> {
                if (phase != Phase.ACTIVE) {
                    yield List.of();
                }
                if (!plans.containsKey(e.osd())) {
                    throw new IllegalStateException("osd." + e.osd() + " recovered but is not a member: " + plans.keySet());
                }
                recovering.remove(e.osd());
                yield recovering.isEmpty() ? maybeClean() : List.of();
            }
            case Event.MapUpdated e -> {
                Optional<Integer> gone = awaited().stream().filter(o -> !e.upOsds().contains(o)).findFirst();
                if (gone.isPresent()) {
                    // the prior set is built from who is up: without the peer it waited for it may be complete
                    yield List.of(new Action.Restart("osd." + gone.get() + " is down now"));
                }
                if (phase == Phase.DOWN || phase == Phase.INCOMPLETE) {
                    Optional<Integer> back = e.upOsds().stream().filter(o -> !start.upOsds().contains(o)).findFirst();
                    if (back.isPresent()) {
                        // the member whose copy the PG waits for may be the one back
                        yield List.of(new Action.Restart("osd." + back.get() + " is up now"));
                    }
                }
                if (phase == Phase.WAIT_UP_THRU && e.myUpThru() >= start.history().currentSince()) {
                    yield activate();
                }
                yield List.of();
            }
        };
    }

    private long retryAfterMs() {
        return switch (phase) {
            case WAIT_ACTING_CHANGE -> ACTING_CHANGE_RETRY_MS;
            case DOWN, INCOMPLETE -> BLOCKED_RETRY_MS;
            default -> RETRY_MS;
        };
    }

    /**
     * Time passes: a wait that lasted long enough is tried again — queries to peers that did not
     * answer are resent ({@link #RETRY_MS}), up_thru asked again, a pg_temp asked again
     * ({@link #ACTING_CHANGE_RETRY_MS}), and a down or incomplete PG peers from the start
     * ({@link #BLOCKED_RETRY_MS}; a map showing an OSD back up restarts it at once).
     */
    public synchronized List<Action> tick(long nowMs) {
        if (!started || !waiting()) {
            waitingSinceMs = -1;
            return List.of();
        }
        if (waitingSinceMs < 0) {
            waitingSinceMs = nowMs;
            return List.of();
        }
        if (nowMs - waitingSinceMs < retryAfterMs()) {
            return List.of();
        }
        waitingSinceMs = -1;
        return switch (phase) {
            case DOWN -> List.of(new Action.Restart("pg is down"));
            case INCOMPLETE -> List.of(new Action.Restart("pg is incomplete"));
            case WAIT_UP_THRU -> List.of(new Action.RequestUpThru(start.epoch()));
            case GET_INFO -> {
                Set<Integer> again = new LinkedHashSet<>(unreachable);
                again.retainAll(pendingInfo);
                unreachable.removeAll(again);
                yield again.isEmpty() ? List.of() : List.of(new Action.QueryInfo(Set.copyOf(again)));
            }
            case GET_LOG -> {
                unreachable.remove(authority);
                yield List.of(new Action.QueryLog(authority, infos.get(authority).logTail()));
            }
            case GET_MISSING -> {
                List<Action> again = new ArrayList<>();
                for (int osd : List.copyOf(unreachable)) {
                    Eversion after = pendingLogs.get(osd);
                    if (after != null) {
                        unreachable.remove(osd);
                        again.add(new Action.QueryLog(osd, after));
                    }
                }
                yield again;
            }
            case WAIT_ACTING_CHANGE -> List.of(new Action.Restart("the pg_temp asked for is not in the map yet"));
            case ACTIVE, CLEAN, WAIT_MIN_SIZE -> List.of();
        };
    }

    /** The peers whose answers this machine waits for (asked, or to be asked again). */
    private Set<Integer> awaited() {
        Set<Integer> out = new LinkedHashSet<>(unreachable);
        switch (phase) {
            case GET_INFO -> out.addAll(pendingInfo);
            case GET_LOG -> out.add(authority);
            case GET_MISSING -> out.addAll(pendingLogs.keySet());
            default -> { }
        }
        return out;
    }

    /** True while the machine waits for something {@link #tick} may retry. */
    public synchronized boolean waiting() {
        return switch (phase) {
            case DOWN, INCOMPLETE, WAIT_UP_THRU, WAIT_ACTING_CHANGE -> true;
            case GET_INFO, GET_LOG, GET_MISSING -> !unreachable.isEmpty();
            case ACTIVE, CLEAN, WAIT_MIN_SIZE -> false;
        };
    }

    private List<Action> afterInfos() {
        int maxLes = infos.values().stream().mapToInt(PgInfo::lastEpochStarted).max().orElse(0);
        // a member still missing objects is the authority only when no complete one went active as
        // recently: every write a client was told of reached each member of that interval, so a
        // complete member of it holds all of them, and its objects can be copied as they are
        Comparator<Map.Entry<Integer, PgInfo>> better = Comparator
                .<Map.Entry<Integer, PgInfo>, Boolean>comparing(en -> en.getValue().isComplete())
                .thenComparing(en -> en.getValue().lastUpdate())
                .thenComparing(en -> en.getValue().logTail(), Comparator.<Eversion>reverseOrder())
                .thenComparing(en -> en.getKey() == start.me())
                .thenComparing(en -> start.acting().contains(en.getKey()))
                .thenComparing(Map.Entry::getKey, Comparator.<Integer>reverseOrder());
        authority = infos.entrySet().stream().filter(en -> en.getValue().lastEpochStarted() == maxLes)
                .max(better).orElseThrow().getKey();
        if (!infos.get(authority).isComplete()) {
            // every member of the newest active interval that answered still lacked objects when it
            // went active: serving now could hand out stale copies; wait for a complete one to return
            phase = Phase.INCOMPLETE;
            return List.of();
        }
        if (authority == start.me()) {
            authLog = start.myLog();
            return planMembers();
        }
        phase = Phase.GET_LOG;
        return List.of(new Action.QueryLog(authority, infos.get(authority).logTail()));
    }

    private List<Action> planMembers() {
        Map<Integer, PeerPlan> planned = new LinkedHashMap<>();
        List<Action> queries = new ArrayList<>();
        for (int osd : membersAndTargets()) {
            if (osd < 0) {
                continue;
            }
            Optional<PgLog> theirLog = osd == start.me() ? Optional.of(start.myLog()) : Optional.ofNullable(peerLogs.get(osd));
            switch (LogMerge.plan(authLog, infos.get(osd), theirLog)) {
                case LogMerge.Outcome.Planned p -> planned.put(osd, p.plan());
                case LogMerge.Outcome.NeedsLog n -> {
                    pendingLogs.put(osd, n.after());
                    queries.add(new Action.QueryLog(osd, n.after()));
                }
            }
        }
        if (!queries.isEmpty()) {
            phase = Phase.GET_MISSING;
            return queries;
        }
        plans = planned;
        List<Integer> want = wantActing();
        if (!want.equals(start.acting())) {
            phase = Phase.WAIT_ACTING_CHANGE;
            return List.of(new Action.RequestPgTemp(want));
        }
        if (start.myUpThru() < start.history().currentSince()) {
            phase = Phase.WAIT_UP_THRU;
            return List.of(new Action.RequestUpThru(start.epoch()));
        }
        return activate();
    }

    /** The acting set, then up members outside it (backfill targets while a pg_temp holds). */
    private List<Integer> membersAndTargets() {
        List<Integer> out = new ArrayList<>(start.acting().stream().filter(o -> o >= 0).toList());
        start.up().stream().filter(o -> o >= 0 && !out.contains(o)).forEach(out::add);
        return out;
    }

    /**
     * Ceph's choose_acting, reduced: while up and acting agree, an up member that needs backfill
     * is left out of the acting set and an OSD holding a complete copy the log covers stands in,
     * so the PG serves from full copies while the member is backfilled as an up-only target. No
     * change when nobody needs backfill, or when the stand-ins cannot make min_size.
     */
    private List<Integer> wantActing() {
        if (!start.up().equals(start.acting())) {
            return start.acting();
        }
        List<Integer> want = new ArrayList<>(start.up().stream()
                .filter(o -> o >= 0 && !(plans.get(o) instanceof PeerPlan.Backfill)).toList());
        if (want.size() == start.up().stream().filter(o -> o >= 0).count()) {
            return start.acting();
        }
        infos.entrySet().stream()
                .filter(e -> !start.up().contains(e.getKey()) && !e.getValue().isEmpty() && e.getValue().isComplete()
                        && authLog.has(e.getValue().lastUpdate()))
                .sorted(Comparator.<Map.Entry<Integer, PgInfo>, Eversion>comparing(e -> e.getValue().lastUpdate())
                        .reversed().thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey)
                .limit(Math.max(0, start.poolSize() - want.size()))
                .forEach(want::add);
        return want.size() < start.minSize() ? start.acting() : want;
    }

    private List<Action> activate() {
        phase = Phase.ACTIVE;
        plans.forEach((osd, plan) -> {
            if (PeerPlan.needsWork(plan)) {
                recovering.add(osd);
            }
        });
        List<Action> out = new ArrayList<>();
        out.add(new Action.Activate(start.epoch(), authority, infos.get(authority), plans));
        if (recovering.isEmpty()) {
            out.addAll(maybeClean());
        }
        return out;
    }

    private List<Action> maybeClean() {
        if (!start.up().equals(start.acting())) {
            // the up members left out hold everything now: back to the up set
            return List.of(new Action.RequestPgTemp(List.of()));
        }
        if (members() < start.poolSize()) {
            return List.of();
        }
        phase = Phase.CLEAN;
        return List.of(new Action.MarkClean(start.epoch()));
    }

    private int members() {
        return (int) start.acting().stream().filter(o -> o >= 0).count();
    }

    /** The acting set of the interval this machine peers. */
    public List<Integer> acting() {
        return start.acting();
    }

    public synchronized Phase phase() {
        return phase;
    }

    public synchronized int authority() {
        return authority;
    }

    /** OSDs outside the acting set that answered with a copy of the PG: to delete once it is clean. */
    public synchronized List<Integer> strays() {
        return infos.entrySet().stream().filter(e -> !start.acting().contains(e.getKey()) && !start.up().contains(e.getKey())
                        && !e.getValue().isEmpty())
                .map(Map.Entry::getKey).toList();
    }

    /** What {@code osd} said about its copy (empty if it did not answer). */
    public synchronized PgInfo info(int osd) {
        return infos.getOrDefault(osd, PgInfo.EMPTY);
    }

    public synchronized Map<Integer, PeerPlan> plans() {
        return plans;
    }

    /** Members not yet recovered while active. */
    public synchronized Set<Integer> recovering() {
        return Set.copyOf(recovering);
    }

    /** Prior-set members that did not answer: peering waits for them or for a map marking them down. */
    public synchronized Set<Integer> unreachable() {
        return Set.copyOf(unreachable);
    }

    /** When down: the interval that may have accepted writes and has no member up. */
    public synchronized Optional<PastIntervals.Interval> blockedBy() {
        return blockedBy;
    }

    /** Members still being backfilled: each lacks, in effect, every object of the PG. */
    public synchronized int backfillTargets() {
        return (int) recovering.stream().filter(o -> plans.get(o) instanceof PeerPlan.Backfill).count();
    }

    /** Object copies still to be recovered (backfill targets count as unknown, so not here). */
    public synchronized long missingObjects() {
        long n = 0;
        for (int osd : recovering) {
            if (plans.get(osd) instanceof PeerPlan.Recover r) {
                n += r.missing().size();
            }
        }
        return n;
    }

    /** The PG's state in Ceph's words. */
    public synchronized Set<PgStateFlag> state() {
        boolean acting = recovering.stream().anyMatch(start.acting()::contains);
        return PeeringStates.of(phase, !start.up().equals(start.acting()), members() < start.poolSize(),
                members() >= start.minSize(), recovering.stream().anyMatch(o -> plans.get(o) instanceof PeerPlan.Recover),
                recovering.stream().anyMatch(o -> plans.get(o) instanceof PeerPlan.Backfill), acting);
    }
}
