package io.cairn.osd.peering;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The intervals of a PG's history: runs of consecutive epochs in which its up set, acting set,
 * primary and min_size did not change. An interval may have accepted writes ("maybe went rw") only
 * if it had min_size members and its primary had the monitors record up_thru for it: a primary
 * asks for that before it goes active, so an interval that ended before the record never served
 * a write. Peering must hear from a member of every such interval, or the PG is down.
 */
public final class PastIntervals {
    private PastIntervals() {
    }

    /** The PG as one map epoch maps it, with its primary's up_thru and up_from in that map. */
    public record EpochView(int epoch, List<Integer> up, List<Integer> acting, int primary, int minSize,
                            int primaryUpThru, int primaryUpFrom) {
        public EpochView {
            up = List.copyOf(up);
            acting = List.copyOf(acting);
        }

        boolean sameInterval(EpochView o) {
            return up.equals(o.up) && acting.equals(o.acting) && primary == o.primary && minSize == o.minSize;
        }
    }

    public record Interval(int first, int last, List<Integer> up, List<Integer> acting, int primary,
                           boolean maybeWentRw) {
        public Interval {
            up = List.copyOf(up);
            acting = List.copyOf(acting);
        }
    }

    /** The closed intervals before the current one, and the epoch the current one began. */
    public record History(List<Interval> past, int currentSince) {
        public History {
            past = List.copyOf(past);
        }
    }

    /** Builds the history from one view per epoch, consecutive and ascending. */
    public static History build(List<EpochView> views) {
        if (views.isEmpty()) {
            throw new IllegalArgumentException("no epochs");
        }
        List<Interval> past = new ArrayList<>();
        EpochView start = views.get(0);
        for (int i = 1; i < views.size(); i++) {
            EpochView prev = views.get(i - 1);
            EpochView cur = views.get(i);
            if (cur.epoch() != prev.epoch() + 1) {
                throw new IllegalArgumentException("epochs not consecutive: " + prev.epoch() + " then " + cur.epoch());
            }
            if (!cur.sameInterval(prev)) {
                past.add(close(start, prev));
                start = cur;
            }
        }
        return new History(past, start.epoch());
    }

    private static Interval close(EpochView first, EpochView last) {
        boolean rw = last.primary() >= 0 && last.acting().size() >= last.minSize()
                && last.primaryUpThru() >= first.epoch() && last.primaryUpFrom() <= first.epoch();
        return new Interval(first.epoch(), last.epoch(), first.up(), first.acting(), first.primary(), rw);
    }

    /**
     * Whom peering must ask (Ceph's PriorSet): the current up and acting members, and every member
     * still up of each interval that may have gone rw. If such an interval has no member up, writes
     * it acknowledged may be on no reachable OSD: the PG is down until one returns.
     */
    public record PriorSet(Set<Integer> probe, Set<Integer> down, Optional<Interval> blockedBy) {
        public boolean pgDown() {
            return blockedBy.isPresent();
        }
    }

    public static PriorSet priorSet(List<Interval> past, List<Integer> acting, List<Integer> up, IntPredicate isUp) {
        Set<Integer> probe = new LinkedHashSet<>();
        Set<Integer> down = new LinkedHashSet<>();
        acting.stream().filter(o -> o >= 0).forEach(probe::add);
        up.stream().filter(o -> o >= 0).forEach(probe::add);
        Optional<Interval> blocked = Optional.empty();
        for (Interval i : past) {
            if (!i.maybeWentRw()) {
                continue;
            }
            boolean anyUp = false;
            for (int o : i.acting()) {
                if (o < 0) {
                    continue;
                }
                if (isUp.test(o)) {
                    probe.add(o);
                    anyUp = true;
                } else {
                    down.add(o);
                }
            }
            if (!anyUp && blocked.isEmpty()) {
                blocked = Optional.of(i);
            }
        }
        return new PriorSet(probe, down, blocked);
    }
}
