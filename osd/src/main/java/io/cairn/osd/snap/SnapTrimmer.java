package io.cairn.osd.snap;

import io.cairn.common.Invariants;
import io.cairn.common.osdmap.SnapIntervals;
import io.cairn.objectstore.ObjectId;
import io.cairn.osd.peering.PgStateFlag;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The snap trimmer of one PG at its primary, as a pure state machine (Ceph's SnapTrimmer): events
 * in, actions out, no I/O or clock. The PG's queue is the pool's removed snaps it has not purged
 * yet. It trims only while the PG is active+clean, not scrubbing and the cluster is not flagged
 * {@code nosnaptrim}, and only holding one of the OSD's trimming slots: it asks the shell for the
 * heads the snap index names for the oldest queued snap (at most {@code maxConcurrent}), has them
 * trimmed, waits for every member to have those writes, sleeps {@code sleepMs} if set, and asks
 * again; a snap with no heads left is purged. A failed trim stops it ({@code snaptrim_error})
 * until the PG peers again.
 *
 * <p>Every action carries the machine's round, bumped on each reset and each new reservation, so
 * the answer to an action of an earlier round is told apart and dropped.
 */
public final class SnapTrimmer {
    /** Ceph's states, by their names. */
    public enum State { NOT_TRIMMING, WAIT_RESERVATION, AWAIT_WORK, WAIT_REPOPS, WAIT_TRIM_TIMER, WAIT_SCRUB }

    /** What the shell reads afresh at each step: {@code osd_pg_max_concurrent_snap_trims}, {@code osd_snap_trim_sleep}. */
    public record Settings(int maxConcurrent, long sleepMs) {
        public Settings {
            maxConcurrent = Math.max(1, maxConcurrent);
            sleepMs = Math.max(0, sleepMs);
        }
    }

    public sealed interface Event permits Queue, Conditions, Reserved, WorkFound, TrimDone, TimerFired, Reset { }

    /** The pool's removed snaps still queued for trimming (its removed_snaps_queue). */
    public record Queue(SnapIntervals removed) implements Event { }

    /** Whether the PG may trim now: this OSD leads it, active+clean; whether it is scrubbing; nosnaptrim. */
    public record Conditions(boolean activeClean, boolean scrubbing, boolean paused) implements Event { }

    /** The OSD gave this PG a trimming slot. */
    public record Reserved(long round) implements Event { }

    /** The heads the snap index names for {@code snap} (none: the snap is done here). */
    public record WorkFound(long round, long snap, List<ObjectId> heads) implements Event {
        public WorkFound {
            heads = List.copyOf(heads);
        }
    }

    /** Every trim write of the batch is on every member, or one failed. */
    public record TrimDone(long round, boolean failed) implements Event { }

    public record TimerFired(long round) implements Event { }

    /** The interval changed or the OSD no longer leads the PG: forget the round, keep the queue. */
    public record Reset() implements Event { }

    public sealed interface Action permits RequestSlot, ReleaseSlot, FindWork, Trim, StartTimer { }

    public record RequestSlot(long round) implements Action { }

    public record ReleaseSlot() implements Action { }

    public record FindWork(long round, long snap, int max) implements Action { }

    public record Trim(long round, long snap, List<ObjectId> heads) implements Action { }

    public record StartTimer(long round, long delayMs) implements Action { }

    private State state = State.NOT_TRIMMING;
    private long round;
    private SnapIntervals removed = SnapIntervals.EMPTY;
    private SnapIntervals purged = SnapIntervals.EMPTY;
    private boolean activeClean;
    private boolean scrubbing;
    private boolean paused;
    private boolean error;
    /** Whether the shell holds a slot for this PG (or has been asked for one). */
    private boolean slot;
    /** A FindWork of this round is unanswered: another would only repeat it. */
    private boolean finding;

    public synchronized List<Action> step(Event e, Settings s) {
        List<Action> out = new ArrayList<>();
        switch (e) {
            case Queue q -> {
                removed = q.removed();
                // a snap the monitors no longer queue is purged everywhere: nothing to remember
                purged = purged.intersect(removed);
                proceed(out, s);
            }
            case Conditions c -> {
                activeClean = c.activeClean();
                scrubbing = c.scrubbing();
                paused = c.paused();
                proceed(out, s);
            }
            case Reserved r -> {
                if (r.round() == round && state == State.WAIT_RESERVATION) {
                    state = State.AWAIT_WORK;
                    findWork(out, s);
                }
            }
            case WorkFound w -> {
                if (w.round() == round && state == State.AWAIT_WORK) {
                    finding = false;
                    found(w, out, s);
                }
            }
            case TrimDone d -> {
                if (d.round() == round && state == State.WAIT_REPOPS) {
                    if (d.failed()) {
                        error = true;
                        stop(out);
                    } else if (s.sleepMs() > 0) {
                        state = State.WAIT_TRIM_TIMER;
                        out.add(new StartTimer(round, s.sleepMs()));
                    } else {
                        state = State.AWAIT_WORK;
                        proceed(out, s);
                    }
                }
            }
            case TimerFired t -> {
                if (t.round() == round && state == State.WAIT_TRIM_TIMER) {
                    state = State.AWAIT_WORK;
                    proceed(out, s);
                }
            }
            case Reset r -> {
                error = false;
                activeClean = false;
                stop(out);
            }
        }
        return out;
    }

    /** Snaps still to trim here. */
    private SnapIntervals queue() {
        return removed.minus(purged);
    }

    private boolean mayTrim() {
        return activeClean && !scrubbing && !paused && !error && !queue().isEmpty();
    }

    /** Re-decides at a point where no answer is awaited (or when conditions change while one is). */
    private void proceed(List<Action> out, Settings s) {
        switch (state) {
            case NOT_TRIMMING, WAIT_SCRUB -> {
                if (mayTrim()) {
                    round++;
                    finding = false;
                    state = State.WAIT_RESERVATION;
                    slot = true;
                    out.add(new RequestSlot(round));
                } else if (scrubbing && activeClean && !paused && !error && !queue().isEmpty()) {
                    state = State.WAIT_SCRUB;
                }
            }
            case WAIT_RESERVATION, WAIT_TRIM_TIMER -> {
                if (!mayTrim()) {
                    stop(out);
                    proceed(out, s);
                }
            }
            case AWAIT_WORK -> {
                if (!mayTrim()) {
                    stop(out);
                    proceed(out, s);
                } else if (!finding) {
                    findWork(out, s);
                }
            }
            // the writes in flight finish first; TrimDone decides
            case WAIT_REPOPS -> { }
        }
    }

    private void findWork(List<Action> out, Settings s) {
        finding = true;
        out.add(new FindWork(round, queue().runs().firstKey(), s.maxConcurrent()));
    }

    private void found(WorkFound w, List<Action> out, Settings s) {
        if (!queue().contains(w.snap())) {
            proceed(out, s);
            return;
        }
        if (w.heads().isEmpty()) {
            purged = purged.with(w.snap());
            proceed(out, s);
            return;
        }
        Invariants.check(w.heads().size() <= s.maxConcurrent(), "asked for %s heads, got %s", s.maxConcurrent(),
                w.heads().size());
        state = State.WAIT_REPOPS;
        out.add(new Trim(round, w.snap(), w.heads()));
    }

    /** Back to NotTrimming, giving the slot back if it was held or asked for. */
    private void stop(List<Action> out) {
        if (slot) {
            out.add(new ReleaseSlot());
            slot = false;
        }
        round++;
        finding = false;
        state = State.NOT_TRIMMING;
    }

    public synchronized State state() {
        return state;
    }

    /** Snaps of the pool's queue this PG has trimmed every clone of (its report to the monitors). */
    public synchronized SnapIntervals purged() {
        return purged;
    }

    /** Snaps still to trim here (Ceph's snap_trimq). */
    public synchronized SnapIntervals trimQueue() {
        return queue();
    }

    /** The PG state flags the trimmer adds: snaptrim, snaptrim_wait or snaptrim_error. */
    public synchronized Set<PgStateFlag> flags() {
        Set<PgStateFlag> out = EnumSet.noneOf(PgStateFlag.class);
        if (error) {
            out.add(PgStateFlag.SNAPTRIM_ERROR);
        } else if (state == State.AWAIT_WORK || state == State.WAIT_REPOPS || state == State.WAIT_TRIM_TIMER) {
            out.add(PgStateFlag.SNAPTRIM);
        } else if (activeClean && !queue().isEmpty()) {
            out.add(PgStateFlag.SNAPTRIM_WAIT);
        }
        return out;
    }
}
