package io.cairn.common.osdmap;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable set of snap ids kept as disjoint, non-adjacent intervals (Ceph's
 * {@code interval_set<snapid_t>}), printed as Ceph prints one: {@code [2~3,9~1]} (start~length).
 * A pool's removed snaps still to purge are one; removing a snap is adding its id.
 */
public final class SnapIntervals {
    public static final SnapIntervals EMPTY = new SnapIntervals(new TreeMap<>());

    /** start -> length, disjoint and never touching. */
    private final SortedMap<Long, Long> runs;

    private SnapIntervals(SortedMap<Long, Long> runs) {
        this.runs = Collections.unmodifiableSortedMap(runs);
    }

    /** From (start, length) pairs in any order; overlapping or touching ones merge. */
    public static SnapIntervals of(Map<Long, Long> startToLength) {
        SnapIntervals s = EMPTY;
        for (Map.Entry<Long, Long> e : new TreeMap<>(startToLength).entrySet()) {
            s = s.withRange(e.getKey(), e.getValue());
        }
        return s;
    }

    public SortedMap<Long, Long> runs() {
        return runs;
    }

    public boolean isEmpty() {
        return runs.isEmpty();
    }

    public boolean contains(long id) {
        SortedMap<Long, Long> head = runs.headMap(id + 1);
        if (head.isEmpty()) {
            return false;
        }
        long start = head.lastKey();
        return id < start + head.get(start);
    }

    /** How many ids the set holds. */
    public long size() {
        long n = 0;
        for (long len : runs.values()) {
            n += len;
        }
        return n;
    }

    public SnapIntervals with(long id) {
        return withRange(id, 1);
    }

    /** The set with {@code [start, start + length)} added. */
    public SnapIntervals withRange(long start, long length) {
        if (start < 1 || length < 1 || start + length < start) {
            throw new IllegalArgumentException("bad snap interval " + start + "~" + length);
        }
        TreeMap<Long, Long> next = new TreeMap<>(runs);
        long from = start;
        long to = start + length;
        // swallow every run that overlaps or touches [from, to)
        Map.Entry<Long, Long> before = next.floorEntry(from);
        if (before != null && before.getKey() + before.getValue() >= from) {
            from = before.getKey();
            to = Math.max(to, before.getKey() + before.getValue());
            next.remove(before.getKey());
        }
        for (Map.Entry<Long, Long> e = next.ceilingEntry(from); e != null && e.getKey() <= to; e = next.ceilingEntry(from)) {
            to = Math.max(to, e.getKey() + e.getValue());
            next.remove(e.getKey());
        }
        next.put(from, to - from);
        return new SnapIntervals(next);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapIntervals s && s.runs.equals(runs);
    }

    @Override
    public int hashCode() {
        return runs.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        runs.forEach((start, len) -> sb.append(sb.length() > 1 ? "," : "").append(start).append('~').append(len));
        return sb.append(']').toString();
    }
}
