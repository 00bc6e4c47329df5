package io.cairn.osd.snap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.osdmap.SnapIntervals;
import io.cairn.objectstore.ObjectId;
import io.cairn.osd.peering.PgStateFlag;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scripted histories of one PG's snap trimmer: what it asks for, when it waits, what it reports. */
class SnapTrimmerTest {
    private static final SnapTrimmer.Settings FAST = new SnapTrimmer.Settings(2, 0);
    private static final SnapTrimmer.Settings SLOW = new SnapTrimmer.Settings(2, 100);
    private static final ObjectId A = ObjectId.head("a", 1);
    private static final ObjectId B = ObjectId.head("b", 2);

    private final SnapTrimmer m = new SnapTrimmer();

    private static SnapIntervals snaps(long... ids) {
        SnapIntervals s = SnapIntervals.EMPTY;
        for (long id : ids) {
            s = s.with(id);
        }
        return s;
    }

    private static <T> T only(List<SnapTrimmer.Action> actions, Class<T> type) {
        assertEquals(1, actions.size(), "one action: " + actions);
        return assertInstanceOf(type, actions.get(0));
    }

    /** Queue, conditions and the slot: the first FindWork. */
    private SnapTrimmer.FindWork start(SnapTrimmer.Settings s, long... queued) {
        assertEquals(List.of(), m.step(new SnapTrimmer.Queue(snaps(queued)), s), "not active+clean yet");
        assertEquals(Set.of(), m.flags());
        SnapTrimmer.RequestSlot ask = only(m.step(new SnapTrimmer.Conditions(true, false, false), s),
                SnapTrimmer.RequestSlot.class);
        assertEquals(SnapTrimmer.State.WAIT_RESERVATION, m.state());
        assertEquals(Set.of(PgStateFlag.SNAPTRIM_WAIT), m.flags());
        return only(m.step(new SnapTrimmer.Reserved(ask.round()), s), SnapTrimmer.FindWork.class);
    }

    @Test
    void trimsEachSnapOldestFirstThenPurgesItAndGivesTheSlotBack() {
        SnapTrimmer.FindWork find = start(FAST, 4, 7);
        assertEquals(4, find.snap());
        assertEquals(2, find.max(), "osd_pg_max_concurrent_snap_trims");
        assertEquals(Set.of(PgStateFlag.SNAPTRIM), m.flags());
        SnapTrimmer.Trim trim = only(m.step(new SnapTrimmer.WorkFound(find.round(), 4, List.of(A, B)), FAST),
                SnapTrimmer.Trim.class);
        assertEquals(List.of(A, B), trim.heads());
        assertEquals(SnapTrimmer.State.WAIT_REPOPS, m.state());
        find = only(m.step(new SnapTrimmer.TrimDone(trim.round(), false), FAST), SnapTrimmer.FindWork.class);
        assertEquals(4, find.snap(), "the same snap until the index has no heads for it");
        find = only(m.step(new SnapTrimmer.WorkFound(find.round(), 4, List.of()), FAST), SnapTrimmer.FindWork.class);
        assertEquals(7, find.snap());
        assertEquals(snaps(4), m.purged());
        only(m.step(new SnapTrimmer.WorkFound(find.round(), 7, List.of()), FAST), SnapTrimmer.ReleaseSlot.class);
        assertEquals(snaps(4, 7), m.purged());
        assertEquals(SnapTrimmer.State.NOT_TRIMMING, m.state());
        assertEquals(Set.of(), m.flags());

        // the monitors drop purged snaps from the queue: the PG forgets them too
        assertEquals(List.of(), m.step(new SnapTrimmer.Queue(snaps(7)), FAST));
        assertEquals(snaps(7), m.purged());
        assertEquals(List.of(), m.step(new SnapTrimmer.Queue(SnapIntervals.EMPTY), FAST));
        assertEquals(SnapIntervals.EMPTY, m.purged());
    }

    @Test
    void sleepsBetweenBatchesWhenTold() {
        SnapTrimmer.FindWork find = start(SLOW, 3);
        SnapTrimmer.Trim trim = only(m.step(new SnapTrimmer.WorkFound(find.round(), 3, List.of(A)), SLOW),
                SnapTrimmer.Trim.class);
        SnapTrimmer.StartTimer timer = only(m.step(new SnapTrimmer.TrimDone(trim.round(), false), SLOW),
                SnapTrimmer.StartTimer.class);
        assertEquals(100, timer.delayMs());
        assertEquals(SnapTrimmer.State.WAIT_TRIM_TIMER, m.state());
        assertEquals(Set.of(PgStateFlag.SNAPTRIM), m.flags());
        only(m.step(new SnapTrimmer.TimerFired(timer.round()), SLOW), SnapTrimmer.FindWork.class);
    }

    @Test
    void nosnaptrimAndScrubStopItAndItResumesAfter() {
        SnapTrimmer.FindWork find = start(FAST, 3);
        SnapTrimmer.Trim trim = only(m.step(new SnapTrimmer.WorkFound(find.round(), 3, List.of(A)), FAST),
                SnapTrimmer.Trim.class);
        assertEquals(List.of(), m.step(new SnapTrimmer.Conditions(true, false, true), FAST),
                "writes in flight finish first");
        only(m.step(new SnapTrimmer.TrimDone(trim.round(), false), FAST), SnapTrimmer.ReleaseSlot.class);
        assertEquals(SnapTrimmer.State.NOT_TRIMMING, m.state());
        assertEquals(Set.of(PgStateFlag.SNAPTRIM_WAIT), m.flags());
        assertEquals(List.of(), m.step(new SnapTrimmer.Conditions(true, true, false), FAST));
        assertEquals(SnapTrimmer.State.WAIT_SCRUB, m.state(), "scrubbing: it waits");
        only(m.step(new SnapTrimmer.Conditions(true, false, false), FAST), SnapTrimmer.RequestSlot.class);
    }

    @Test
    void aFailedTrimStopsItUntilThePgPeersAgain() {
        SnapTrimmer.FindWork find = start(FAST, 3);
        SnapTrimmer.Trim trim = only(m.step(new SnapTrimmer.WorkFound(find.round(), 3, List.of(A)), FAST),
                SnapTrimmer.Trim.class);
        only(m.step(new SnapTrimmer.TrimDone(trim.round(), true), FAST), SnapTrimmer.ReleaseSlot.class);
        assertEquals(Set.of(PgStateFlag.SNAPTRIM_ERROR), m.flags());
        assertEquals(List.of(), m.step(new SnapTrimmer.Conditions(true, false, false), FAST), "no retry in error");
        assertEquals(List.of(), m.step(new SnapTrimmer.Reset(), FAST));
        only(m.step(new SnapTrimmer.Conditions(true, false, false), FAST), SnapTrimmer.RequestSlot.class);
    }

    @Test
    void answersOfAnEarlierRoundAreDropped() {
        SnapTrimmer.FindWork find = start(FAST, 3);
        only(m.step(new SnapTrimmer.Reset(), FAST), SnapTrimmer.ReleaseSlot.class);
        assertEquals(List.of(), m.step(new SnapTrimmer.WorkFound(find.round(), 3, List.of(A)), FAST));
        SnapTrimmer.RequestSlot ask = only(m.step(new SnapTrimmer.Conditions(true, false, false), FAST),
                SnapTrimmer.RequestSlot.class);
        assertTrue(ask.round() > find.round());
        assertEquals(List.of(), m.step(new SnapTrimmer.Reserved(find.round()), FAST), "an old slot grant");
        assertEquals(SnapTrimmer.State.WAIT_RESERVATION, m.state());
        only(m.step(new SnapTrimmer.Reserved(ask.round()), FAST), SnapTrimmer.FindWork.class);
        assertEquals(List.of(), m.step(new SnapTrimmer.Conditions(true, false, false), FAST),
                "a tick while work is being looked for asks nothing again");
    }
}
