package io.cairn.osd.peering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.osd.peering.PastIntervals.EpochView;
import io.cairn.osd.peering.PeeringMachine.Action;
import io.cairn.osd.peering.PeeringMachine.Event;
import io.cairn.osd.peering.PeeringMachine.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The histories peering must get right, driven through the pure machine: no threads, no sockets. */
class PeeringMachineTest {
    private static final ObjectName X = new ObjectName("", "x", "");
    private static final ObjectName Y = new ObjectName("", "y", "");
    private static final ObjectName Z = new ObjectName("", "z", "");

    /** A log of entries at epoch {@code epoch}, versions from..to, cycling over the given objects. */
    private static List<LogEntry> run(int epoch, long from, long to, ObjectName... objects) {
        List<LogEntry> out = new ArrayList<>();
        for (long v = from; v <= to; v++) {
            out.add(new LogEntry(new Eversion(epoch, v), objects[(int) (v % objects.length)], false));
        }
        return out;
    }

    private static List<LogEntry> concat(List<LogEntry> a, List<LogEntry> b) {
        List<LogEntry> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static PgInfo info(PgLog log, int les, int lec) {
        return new PgInfo(log.head(), log.tail(), les, lec);
    }

    /** A history where the PG kept one acting set from epoch 1 to {@code lastEpoch}, primary 0, up_thru recorded. */
    private static PastIntervals.History steady(List<Integer> acting, int since) {
        List<EpochView> views = new ArrayList<>();
        for (int e = 1; e < since; e++) {
            views.add(new EpochView(e, List.of(0, 1, 2), List.of(0, 1, 2), 0, 2, 1, 1));
        }
        views.add(new EpochView(since, acting, acting, acting.get(0), 2, 0, 1));
        return PastIntervals.build(views);
    }

    @Test
    void primaryChangeWithIdenticalLogsGoesActiveAfterUpThruAndStaysUndersized() {
        PgLog log = new PgLog(Eversion.ZERO, run(3, 1, 20, X, Y));
        var m = new PeeringMachine(new PeeringMachine.Start(6, 1, List.of(1, 2), List.of(1, 2), 3, 2,
                steady(List.of(1, 2), 6), Set.of(1, 2), info(log, 3, 3), log, 1));
        assertEquals(List.of(new Action.QueryInfo(Set.of(2))), m.start(), "osd.0 is down: not asked, and not needed");
        assertEquals(Phase.GET_INFO, m.phase());
        assertTrue(m.step(new Event.InfoReceived(0, info(log, 3, 3))).isEmpty(), "an answer nobody asked for is dropped");
        List<Action> a = m.step(new Event.InfoReceived(2, info(log, 3, 3)));
        assertEquals(List.of(new Action.RequestUpThru(6)), a, "no activation before the monitors record up_thru");
        assertEquals("undersized+degraded+peering", PgStateFlag.format(m.state()));
        assertTrue(m.step(new Event.UpThruUpdated(5)).isEmpty(), "an up_thru older than the interval is not enough");
        a = m.step(new Event.UpThruUpdated(6));
        assertEquals(1, a.size());
        Action.Activate act = (Action.Activate) a.get(0);
        assertEquals(1, act.authority(), "equal logs: the primary itself is authoritative");
        assertEquals(Map.of(1, new PeerPlan.Current(), 2, new PeerPlan.Current()), act.plans());
        assertEquals("active+undersized+degraded", PgStateFlag.format(m.state()), "two of three: never clean");
    }

    @Test
    void replicaThatMissedWritesRecoversExactlyTheNewestVersionOfEachObjectItLacks() {
        PgLog full = new PgLog(Eversion.ZERO, run(5, 1, 15, X, Y, Z));
        PgLog behind = new PgLog(Eversion.ZERO, run(5, 1, 10, X, Y, Z));
        var m = new PeeringMachine(new PeeringMachine.Start(7, 0, List.of(0, 1, 2), List.of(0, 1, 2), 3, 2,
                steady(List.of(0, 1, 2), 1), Set.of(0, 1, 2), info(full, 5, 5), full, 5));
        m.start();
        m.step(new Event.InfoReceived(1, info(full, 5, 5)));
        List<Action> a = m.step(new Event.InfoReceived(2, info(behind, 5, 5)));
        Action.Activate act = (Action.Activate) a.get(0);
        assertEquals(0, act.authority());
        // versions 11..15 touch z(11), x(12), y(13), z(14), x(15): newest per object
        assertEquals(new PeerPlan.Recover(Map.of(X, new Eversion(5, 15), Y, new Eversion(5, 13), Z, new Eversion(5, 14))),
                act.plans().get(2));
        assertEquals(new PeerPlan.Current(), act.plans().get(1));
        assertEquals("active+recovering+degraded", PgStateFlag.format(m.state()));
        assertEquals(3, m.missingObjects());
        assertEquals(List.of(new Action.MarkClean(7)), m.step(new Event.PeerRecovered(2)));
        assertEquals("active+clean", PgStateFlag.format(m.state()));
    }

    @Test
    void divergentEntriesOfAFailedPrimaryAreRolledBackToTheAuthoritativeState() {
        // interval 1 (epochs 1-6): acting [0,1,2], primary 0 wrote 5'1..5'11 everywhere, then 5'12 (z) only locally
        // interval 2 (epochs 7-8): acting [1,2], primary 1 wrote 7'12 (y) and 7'13 (x)
        // epoch 9: osd.0 is back and primary again
        List<LogEntry> common = run(5, 1, 11, X, Y);
        PgLog mine = new PgLog(Eversion.ZERO, concat(common, List.of(new LogEntry(new Eversion(5, 12), Z, false))));
        PgLog theirs = new PgLog(Eversion.ZERO, concat(common, List.of(new LogEntry(new Eversion(7, 12), Y, false),
                new LogEntry(new Eversion(7, 13), X, false))));
        List<EpochView> views = new ArrayList<>();
        for (int e = 1; e <= 6; e++) {
            views.add(new EpochView(e, List.of(0, 1, 2), List.of(0, 1, 2), 0, 2, 1, 1));
        }
        for (int e = 7; e <= 8; e++) {
            views.add(new EpochView(e, List.of(1, 2), List.of(1, 2), 1, 2, 7, 1));
        }
        views.add(new EpochView(9, List.of(0, 1, 2), List.of(0, 1, 2), 0, 2, 1, 9));
        PastIntervals.History h = PastIntervals.build(views);
        assertEquals(2, h.past().size());
        assertTrue(h.past().get(1).maybeWentRw());
        var m = new PeeringMachine(new PeeringMachine.Start(9, 0, List.of(0, 1, 2), List.of(0, 1, 2), 3, 2, h,
                Set.of(0, 1, 2), info(mine, 5, 5), mine, 1));
        m.start();
        m.step(new Event.InfoReceived(1, info(theirs, 7, 5)));
        List<Action> a = m.step(new Event.InfoReceived(2, info(theirs, 7, 5)));
        assertEquals(List.of(new Action.QueryLog(1, Eversion.ZERO)), a, "the authority went active later: fetch its log");
        assertEquals(List.of(new Action.RequestUpThru(9)), m.step(new Event.LogReceived(1, theirs)));
        Action.Activate act = (Action.Activate) m.step(new Event.UpThruUpdated(9)).get(0);
        assertEquals(1, act.authority());
        assertEquals(new PeerPlan.Recover(Map.of(Z, Eversion.ZERO, Y, new Eversion(7, 12), X, new Eversion(7, 13)),
                java.util.Optional.of(new Eversion(5, 11))), act.plans().get(0), "z is rolled back to whatever the authority holds; x and y come forward");
        assertEquals(new PeerPlan.Current(), act.plans().get(2));
    }

    @Test
    void aDivergentReplicaIsAskedForItsLogBeforeItsPlanIsMade() {
        List<LogEntry> common = run(5, 1, 11, X, Y);
        PgLog divergent = new PgLog(Eversion.ZERO, concat(common, List.of(new LogEntry(new Eversion(5, 12), Z, false))));
        PgLog auth = new PgLog(Eversion.ZERO, concat(common, List.of(new LogEntry(new Eversion(7, 12), Y, false))));
        var m = new PeeringMachine(new PeeringMachine.Start(9, 1, List.of(1, 0, 2), List.of(1, 0, 2), 3, 2,
                steady(List.of(1, 0, 2), 9), Set.of(0, 1, 2), info(auth, 7, 5), auth, 9));
        m.start();
        m.step(new Event.InfoReceived(2, info(auth, 7, 5)));
        List<Action> a = m.step(new Event.InfoReceived(0, info(divergent, 5, 5)));
        assertEquals(List.of(new Action.QueryLog(0, Eversion.ZERO)), a);
        assertEquals(Phase.GET_MISSING, m.phase());
        assertTrue(m.step(new Event.LogReceived(2, auth)).isEmpty(), "a log nobody asked for changes nothing");
        Action.Activate act = (Action.Activate) m.step(new Event.LogReceived(0,
                new PgLog(Eversion.ZERO, divergent.entries()))).get(0);
        assertEquals(new PeerPlan.Recover(Map.of(Z, Eversion.ZERO, Y, new Eversion(7, 12)),
                java.util.Optional.of(new Eversion(5, 11))), act.plans().get(0), "rewound to the last shared entry first");
    }

    @Test
    void aMemberReturningAfterTheLogWasTrimmedIsBackfilledWhileAPgTempServesFromFullCopies() {
        PgLog trimmed = new PgLog(new Eversion(8, 100), run(8, 101, 130, X, Y));
        PgLog old = new PgLog(Eversion.ZERO, run(5, 1, 50, X, Y));
        // osd.2 is first in the up set but has nothing the log can bring up to date
        var m = new PeeringMachine(new PeeringMachine.Start(12, 2, List.of(2, 0, 1), List.of(2, 0, 1), 3, 2,
                steady(List.of(2, 0, 1), 1), Set.of(0, 1, 2), info(old, 5, 5), old, 12));
        m.start();
        m.step(new Event.InfoReceived(0, info(trimmed, 8, 8)));
        m.step(new Event.InfoReceived(1, info(trimmed, 8, 8)));
        assertEquals(List.of(new Action.RequestPgTemp(List.of(0, 1))), m.step(new Event.LogReceived(0, trimmed)),
                "the complete copies act (osd.0 leads) while osd.2 is backfilled");
        assertEquals(Phase.WAIT_ACTING_CHANGE, m.phase());
        // the next map has the pg_temp: up [2, 0, 1], acting [0, 1]
        var t = new PeeringMachine(new PeeringMachine.Start(13, 0, List.of(2, 0, 1), List.of(0, 1), 3, 2,
                steady(List.of(0, 1), 13), Set.of(0, 1, 2), info(trimmed, 8, 8), trimmed, 13));
        t.start();
        t.step(new Event.InfoReceived(1, info(trimmed, 8, 8)));
        Action.Activate act = (Action.Activate) t.step(new Event.InfoReceived(2, info(old, 5, 5))).get(0);
        assertEquals(Map.of(0, new PeerPlan.Current(), 1, new PeerPlan.Current(), 2, new PeerPlan.Backfill()), act.plans());
        assertEquals("active+undersized+degraded+remapped+backfilling", PgStateFlag.format(t.state()));
        assertEquals(0, t.missingObjects(), "a backfill target's missing count is not known from the log");
        assertEquals(List.of(new Action.RequestPgTemp(List.of())), t.step(new Event.PeerRecovered(2)),
                "backfilled: back to the up set");
        assertEquals(List.of(), t.strays(), "an up member is not a stray");
    }

    @Test
    void withoutCompleteCopiesEnoughForMinSizeTheMemberIsBackfilledInPlace() {
        PgLog trimmed = new PgLog(new Eversion(8, 100), run(8, 101, 130, X, Y));
        PgLog old = new PgLog(Eversion.ZERO, run(5, 1, 50, X, Y));
        var m = new PeeringMachine(new PeeringMachine.Start(12, 0, List.of(0, 2), List.of(0, 2), 3, 2,
                steady(List.of(0, 2), 12), Set.of(0, 2), info(trimmed, 8, 8), trimmed, 12));
        m.start();
        Action.Activate act = (Action.Activate) m.step(new Event.InfoReceived(2, info(old, 5, 5))).get(0);
        assertEquals(new PeerPlan.Backfill(), act.plans().get(2), "one full copy cannot make min_size 2");
    }

    @Test
    void anEmptyNewMemberOfAPgWithHistoryIsBackfilledAndAnEmptyPgIsCleanAtOnce() {
        PgLog log = new PgLog(Eversion.ZERO, run(2, 1, 3, X));
        assertEquals(new LogMerge.Outcome.Planned(new PeerPlan.Recover(Map.of(X, new Eversion(2, 3)))),
                LogMerge.plan(log, PgInfo.EMPTY, java.util.Optional.empty()), "a log from the start covers an empty member");
        PgLog trimmed = new PgLog(new Eversion(2, 1), run(2, 2, 3, X));
        assertEquals(new LogMerge.Outcome.Planned(new PeerPlan.Backfill()),
                LogMerge.plan(trimmed, PgInfo.EMPTY, java.util.Optional.empty()));
        var m = new PeeringMachine(new PeeringMachine.Start(2, 0, List.of(0, 1, 2), List.of(0, 1, 2), 3, 2,
                steady(List.of(0, 1, 2), 2), Set.of(0, 1, 2), PgInfo.EMPTY, PgLog.empty(), 2));
        m.start();
        m.step(new Event.InfoReceived(1, PgInfo.EMPTY));
        List<Action> a = m.step(new Event.InfoReceived(2, PgInfo.EMPTY));
        assertEquals(2, a.size());
        assertEquals(new Action.MarkClean(2), a.get(1));
        assertEquals(Phase.CLEAN, m.phase());
    }

    @Test
    void anIntervalThatMayHaveWrittenWithNoMemberUpLeavesThePgDown() {
        List<EpochView> views = new ArrayList<>();
        views.add(new EpochView(10, List.of(3, 4), List.of(3, 4), 3, 1, 1, 1));
        views.add(new EpochView(11, List.of(3), List.of(3), 3, 1, 11, 1));
        views.add(new EpochView(12, List.of(3), List.of(3), 3, 1, 11, 1));
        views.add(new EpochView(13, List.of(5, 6), List.of(5, 6), 5, 1, 0, 13));
        PastIntervals.History h = PastIntervals.build(views);
        assertEquals(13, h.currentSince());
        var m = new PeeringMachine(new PeeringMachine.Start(13, 5, List.of(5, 6), List.of(5, 6), 3, 1, h,
                Set.of(4, 5, 6), PgInfo.EMPTY, PgLog.empty(), 0));
        assertTrue(m.start().isEmpty());
        assertEquals(Phase.DOWN, m.phase());
        assertEquals(11, m.blockedBy().orElseThrow().first());
        assertEquals("down", PgStateFlag.format(m.state()));
    }

    @Test
    void anIntervalWhosePrimaryNeverGotUpThruDoesNotBlockPeering() {
        List<EpochView> views = new ArrayList<>();
        views.add(new EpochView(10, List.of(3), List.of(3), 3, 1, 9, 1));
        views.add(new EpochView(11, List.of(3), List.of(3), 3, 1, 9, 1));
        views.add(new EpochView(12, List.of(5, 6), List.of(5, 6), 5, 1, 0, 12));
        PastIntervals.History h = PastIntervals.build(views);
        assertFalse(h.past().get(0).maybeWentRw(), "osd.3 never had up_thru 10: it cannot have gone active");
        var m = new PeeringMachine(new PeeringMachine.Start(12, 5, List.of(5, 6), List.of(5, 6), 2, 1, h,
                Set.of(5, 6), PgInfo.EMPTY, PgLog.empty(), 12));
        assertEquals(List.of(new Action.QueryInfo(Set.of(6))), m.start());
    }

    @Test
    void membersOfPastIntervalsThatAreUpAreAskedEvenWhenNoLongerInTheActingSet() {
        // the PG moved wholesale from [0,1,2] to [3,4,5]: only the old members have its data
        List<EpochView> views = new ArrayList<>();
        views.add(new EpochView(1, List.of(0, 1, 2), List.of(0, 1, 2), 0, 2, 1, 1));
        views.add(new EpochView(2, List.of(3, 4, 5), List.of(3, 4, 5), 3, 2, 0, 1));
        PgLog old = new PgLog(Eversion.ZERO, run(1, 1, 5, X, Y));
        var m = new PeeringMachine(new PeeringMachine.Start(2, 3, List.of(3, 4, 5), List.of(3, 4, 5), 3, 2,
                PastIntervals.build(views), Set.of(0, 1, 2, 3, 4, 5), PgInfo.EMPTY, PgLog.empty(), 2));
        assertEquals(List.of(new Action.QueryInfo(Set.of(0, 1, 2, 4, 5))), m.start());
        m.step(new Event.InfoReceived(4, PgInfo.EMPTY));
        m.step(new Event.InfoReceived(5, PgInfo.EMPTY));
        m.step(new Event.InfoReceived(0, info(old, 1, 1)));
        m.step(new Event.PeerUnreachable(1));
        assertEquals(Set.of(1), m.unreachable());
        m.step(new Event.InfoReceived(1, info(old, 1, 1)));
        List<Action> a = m.step(new Event.InfoReceived(2, info(old, 1, 1)));
        assertEquals(List.of(new Action.QueryLog(0, Eversion.ZERO)), a, "the lowest-numbered old member is the authority");
        Action.Activate act = (Action.Activate) m.step(new Event.LogReceived(0, old)).get(0);
        assertEquals(Map.of(3, new PeerPlan.Recover(Map.of(X, new Eversion(1, 4), Y, new Eversion(1, 5))),
                4, new PeerPlan.Recover(Map.of(X, new Eversion(1, 4), Y, new Eversion(1, 5))),
                5, new PeerPlan.Recover(Map.of(X, new Eversion(1, 4), Y, new Eversion(1, 5)))), act.plans());
        assertEquals(Set.of(3, 4, 5), m.recovering());
    }

    @Test
    void invariantsHold() {
        assertThrows(IllegalArgumentException.class, () -> new PeeringMachine.Start(1, 9, List.of(0), List.of(0), 1, 1,
                new PastIntervals.History(List.of(), 1), Set.of(0), PgInfo.EMPTY, PgLog.empty(), 1));
        assertThrows(IllegalArgumentException.class, () -> new PgLog(Eversion.ZERO,
                List.of(new LogEntry(new Eversion(2, 5), X, false), new LogEntry(new Eversion(2, 5), Y, false))));
        assertThrows(IllegalArgumentException.class, () -> PastIntervals.build(List.of(
                new EpochView(1, List.of(0), List.of(0), 0, 1, 1, 1), new EpochView(3, List.of(0), List.of(0), 0, 1, 1, 1))));
        var m = new PeeringMachine(new PeeringMachine.Start(1, 0, List.of(0), List.of(0), 1, 1,
                new PastIntervals.History(List.of(), 1), Set.of(0), PgInfo.EMPTY, PgLog.empty(), 1));
        m.start();
        assertThrows(IllegalStateException.class, m::start);
        assertEquals(Phase.CLEAN, m.phase());
        var n = new PeeringMachine(new PeeringMachine.Start(1, 0, List.of(0, 1), List.of(0, 1), 2, 1,
                new PastIntervals.History(List.of(), 1), Set.of(0, 1), PgInfo.EMPTY,
                new PgLog(Eversion.ZERO, run(1, 1, 2, X)), 1));
        n.start();
        n.step(new Event.InfoReceived(1, PgInfo.EMPTY));
        assertThrows(IllegalStateException.class, () -> n.step(new Event.PeerRecovered(7)));
    }

    @Test
    void aMemberThatWentActiveWhileRecoveringStillLacksWhatCameAfterItsLastComplete() {
        PgLog auth = new PgLog(Eversion.ZERO, concat(run(4, 1, 6, X), run(6, 7, 10, Y, Z)));
        PgInfo recovering = new PgInfo(auth.head(), Eversion.ZERO, 6, 4, new Eversion(4, 6));
        assertEquals(new LogMerge.Outcome.Planned(new PeerPlan.Recover(Map.of(Y, new Eversion(6, 10), Z, new Eversion(6, 9)))),
                LogMerge.plan(auth, recovering, java.util.Optional.empty()), "its log is current, its objects are not");
        PgLog trimmed = new PgLog(new Eversion(4, 6), run(6, 7, 10, Y, Z));
        PgInfo stillBackfilling = new PgInfo(trimmed.head(), trimmed.head(), 6, 4, Eversion.ZERO);
        assertEquals(new LogMerge.Outcome.Planned(new PeerPlan.Backfill()),
                LogMerge.plan(trimmed, stillBackfilling, java.util.Optional.empty()), "a backfill cut short starts over");
    }

    @Test
    void theAuthorityIsAMemberHoldingEveryObjectWhenOneWentActiveAsRecently() {
        PgLog complete = new PgLog(Eversion.ZERO, run(5, 1, 9, X, Y));
        PgLog newer = new PgLog(Eversion.ZERO, concat(complete.entries(), List.of(new LogEntry(new Eversion(5, 10), Z, false))));
        var m = new PeeringMachine(new PeeringMachine.Start(9, 1, List.of(1, 2), List.of(1, 2), 3, 2,
                steady(List.of(1, 2), 9), Set.of(1, 2), new PgInfo(newer.head(), Eversion.ZERO, 5, 5, new Eversion(5, 4)),
                newer, 9));
        m.start();
        List<Action> a = m.step(new Event.InfoReceived(2, info(complete, 5, 5)));
        assertEquals(List.of(new Action.QueryLog(2, Eversion.ZERO)), a, "not the newer log of a member missing objects");
        Action.Activate act = (Action.Activate) m.step(new Event.LogReceived(2, complete)).get(0);
        assertEquals(2, act.authority());
        assertEquals(new PeerPlan.Recover(Map.of(Z, Eversion.ZERO, X, new Eversion(5, 8), Y, new Eversion(5, 9)),
                java.util.Optional.of(new Eversion(5, 9))), act.plans().get(1),
                "the unacknowledged write is rolled back and everything after its last_complete copied");
    }

    @Test
    void withOnlyMembersStillMissingObjectsThePgIsIncomplete() {
        PgLog log = new PgLog(Eversion.ZERO, run(5, 1, 9, X, Y));
        PgInfo recovering = new PgInfo(log.head(), Eversion.ZERO, 5, 5, new Eversion(5, 4));
        var m = new PeeringMachine(new PeeringMachine.Start(9, 1, List.of(1, 2), List.of(1, 2), 3, 2,
                steady(List.of(1, 2), 9), Set.of(1, 2), recovering, log, 9));
        m.start();
        assertEquals(List.of(), m.step(new Event.InfoReceived(2, new PgInfo(new Eversion(5, 7), Eversion.ZERO, 4, 4))));
        assertEquals(Phase.INCOMPLETE, m.phase(), "the complete copies went active before the newest interval");
        assertEquals("incomplete", PgStateFlag.format(m.state()));
    }
}
