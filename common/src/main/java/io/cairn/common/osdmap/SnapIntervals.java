package io.cairn.common.osdmap;

import io.cairn.common.IntervalSet;
import java.util.Map;
import java.util.SortedMap;

/**
 * An immutable set of snap ids kept as disjoint, non-adjacent intervals (Ceph's
 * {@code interval_set<snapid_t>}), printed as Ceph prints one: {@code [2~3,9~1]} (start~length).
 * A pool's removed snaps still to purge are one, and so are those already purged.
 */
public final class SnapIntervals {
    public static final SnapIntervals EMPTY = new SnapIntervals(IntervalSet.EMPTY);

    private final IntervalSet set;

    private SnapIntervals(IntervalSet set) {
        this.set = set;
    }

    /** From (start, length) pairs in any order; overlapping or touching ones merge. */
    public static SnapIntervals of(Map<Long, Long> startToLength) {
        SnapIntervals s = EMPTY;
        for (Map.Entry<Long, Long> e : startToLength.entrySet()) {
            s = s.withRange(e.getKey(), e.getValue());
        }
        return s;
    }

    /** start -> length, disjoint and never touching. */
    public SortedMap<Long, Long> runs() {
        return set.runs();
    }

    public boolean isEmpty() {
        return set.isEmpty();
    }

    public boolean contains(long id) {
        return set.contains(id);
    }

    /** How many ids the set holds. */
    public long size() {
        return set.size();
    }

    public SnapIntervals with(long id) {
        return withRange(id, 1);
    }

    /** The set with {@code [start, start + length)} added. */
    public SnapIntervals withRange(long start, long length) {
        if (start < 1 || length < 1 || start + length < start) {
            throw new IllegalArgumentException("bad snap interval " + start + "~" + length);
        }
        return new SnapIntervals(set.with(start, length));
    }

    public SnapIntervals union(SnapIntervals other) {
        return new SnapIntervals(set.union(other.set));
    }

    /** These ids less those of {@code other}. */
    public SnapIntervals minus(SnapIntervals other) {
        return new SnapIntervals(set.minus(other.set));
    }

    public SnapIntervals intersect(SnapIntervals other) {
        return new SnapIntervals(set.intersect(other.set));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapIntervals s && s.set.equals(set);
    }

    @Override
    public int hashCode() {
        return set.hashCode();
    }

    @Override
    public String toString() {
        return set.toString();
    }
}
