package io.cairn.common;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable set of non-negative longs kept as disjoint, non-adjacent runs (start → length), as
 * Ceph's {@code interval_set}: byte ranges of an object (a clone's overlap with the next newer
 * version, the ranges a write changed) or sets of snap ids.
 */
public final class IntervalSet {
    public static final IntervalSet EMPTY = new IntervalSet(new TreeMap<>());

    private final TreeMap<Long, Long> runs;

    private IntervalSet(TreeMap<Long, Long> runs) {
        this.runs = runs;
    }

    /** [offset, offset + length), or nothing for an empty range. */
    public static IntervalSet of(long offset, long length) {
        return EMPTY.with(offset, length);
    }

    /** Runs as (offset, length) pairs in any order, overlapping or not. */
    public static IntervalSet of(Map<Long, Long> offsetToLength) {
        IntervalSet r = EMPTY;
        for (Map.Entry<Long, Long> e : offsetToLength.entrySet()) {
            r = r.with(e.getKey(), e.getValue());
        }
        return r;
    }

    public SortedMap<Long, Long> runs() {
        return Collections.unmodifiableSortedMap(runs);
    }

    public boolean isEmpty() {
        return runs.isEmpty();
    }

    public boolean contains(long value) {
        Map.Entry<Long, Long> e = runs.floorEntry(value);
        return e != null && value < e.getKey() + e.getValue();
    }

    /** How many values (bytes, ids) the set covers. */
    public long size() {
        long n = 0;
        for (long len : runs.values()) {
            n += len;
        }
        return n;
    }

    /** With [offset, offset + length) added. */
    public IntervalSet with(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length < offset) {
            throw new IllegalArgumentException("bad range " + offset + "~" + length);
        }
        if (length == 0) {
            return this;
        }
        long start = offset;
        long end = offset + length;
        TreeMap<Long, Long> out = new TreeMap<>(runs);
        Map.Entry<Long, Long> before = out.floorEntry(start);
        if (before != null && before.getKey() + before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getKey() + before.getValue());
            out.remove(before.getKey());
        }
        for (Map.Entry<Long, Long> e = out.ceilingEntry(start); e != null && e.getKey() <= end;
                e = out.ceilingEntry(start)) {
            end = Math.max(end, e.getKey() + e.getValue());
            out.remove(e.getKey());
        }
        out.put(start, end - start);
        return new IntervalSet(out);
    }

    public IntervalSet union(IntervalSet other) {
        IntervalSet r = this;
        for (Map.Entry<Long, Long> e : other.runs.entrySet()) {
            r = r.with(e.getKey(), e.getValue());
        }
        return r;
    }

    /** These ranges less every byte of {@code other}. */
    public IntervalSet minus(IntervalSet other) {
        if (other.isEmpty() || isEmpty()) {
            return this;
        }
        TreeMap<Long, Long> out = new TreeMap<>();
        for (Map.Entry<Long, Long> e : runs.entrySet()) {
            long pos = e.getKey();
            long end = e.getKey() + e.getValue();
            Map.Entry<Long, Long> cut = other.runs.floorEntry(pos);
            if (cut == null || cut.getKey() + cut.getValue() <= pos) {
                cut = other.runs.higherEntry(pos);
            }
            while (pos < end && cut != null && cut.getKey() < end) {
                if (cut.getKey() > pos) {
                    out.put(pos, cut.getKey() - pos);
                }
                pos = Math.max(pos, cut.getKey() + cut.getValue());
                cut = other.runs.higherEntry(cut.getKey());
            }
            if (pos < end) {
                out.put(pos, end - pos);
            }
        }
        return new IntervalSet(out);
    }

    /** The values in both. */
    public IntervalSet intersect(IntervalSet other) {
        return minus(minus(other));
    }

    /** The runs as (offset, length) pairs, ascending. */
    public List<long[]> toList() {
        List<long[]> out = new ArrayList<>(runs.size());
        runs.forEach((o, l) -> out.add(new long[] {o, l}));
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntervalSet b && b.runs.equals(runs);
    }

    @Override
    public int hashCode() {
        return runs.hashCode();
    }

    /** As Ceph prints an interval set: {@code [0~128,256~128]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        runs.forEach((o, l) -> sb.append(sb.length() > 1 ? "," : "").append(o).append('~').append(l));
        return sb.append(']').toString();
    }
}
