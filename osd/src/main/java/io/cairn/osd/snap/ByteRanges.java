package io.cairn.osd.snap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable set of byte ranges of an object, kept as disjoint, non-adjacent runs (offset →
 * length): a clone's overlap with the next newer version, or the ranges a write changed.
 */
public final class ByteRanges {
    public static final ByteRanges EMPTY = new ByteRanges(new TreeMap<>());

    private final TreeMap<Long, Long> runs;

    private ByteRanges(TreeMap<Long, Long> runs) {
        this.runs = runs;
    }

    /** [offset, offset + length), or nothing for an empty range. */
    public static ByteRanges of(long offset, long length) {
        return EMPTY.with(offset, length);
    }

    /** Runs as (offset, length) pairs in any order, overlapping or not. */
    public static ByteRanges of(Map<Long, Long> offsetToLength) {
        ByteRanges r = EMPTY;
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

    /** The bytes covered. */
    public long sizeBytes() {
        long n = 0;
        for (long len : runs.values()) {
            n += len;
        }
        return n;
    }

    /** With [offset, offset + length) added. */
    public ByteRanges with(long offset, long length) {
        if (offset < 0 || length < 0) {
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
        return new ByteRanges(out);
    }

    public ByteRanges union(ByteRanges other) {
        ByteRanges r = this;
        for (Map.Entry<Long, Long> e : other.runs.entrySet()) {
            r = r.with(e.getKey(), e.getValue());
        }
        return r;
    }

    /** These ranges less every byte of {@code other}. */
    public ByteRanges minus(ByteRanges other) {
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
        return new ByteRanges(out);
    }

    /** The bytes in both. */
    public ByteRanges intersect(ByteRanges other) {
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
        return o instanceof ByteRanges b && b.runs.equals(runs);
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
