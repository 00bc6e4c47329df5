package io.cairn.mds;

import io.cairn.common.Invariants;
import io.cairn.proto.v1.MdsDentryChange;
import io.cairn.proto.v1.MdsMetaBlob;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The journal cut into segments of {@code eventsPerSegment} events (Ceph's LogSegment): each
 * remembers where it starts and which directories its events changed or removed, so that
 * before the journal is expired past a segment exactly those directories are written back.
 */
final class LogSegments {
    static final class Segment {
        final long startPos;
        int events;
        boolean closed;
        final Set<Long> dirtyDirs = new LinkedHashSet<>();
        final Set<Long> removedDirs = new LinkedHashSet<>();

        Segment(long startPos) {
            this.startPos = startPos;
        }
    }

    private final int eventsPerSegment;
    private final List<Segment> segments = new ArrayList<>();

    LogSegments(int eventsPerSegment) {
        Invariants.check(eventsPerSegment >= 1, "segments of %d events", eventsPerSegment);
        this.eventsPerSegment = eventsPerSegment;
    }

    /** Counts the event starting at {@code pos} into the current segment, or a new one when that is full. */
    void onEvent(long pos, MdsMetaBlob blob) {
        Segment cur = segments.isEmpty() ? null : segments.get(segments.size() - 1);
        if (cur == null || cur.closed || cur.events >= eventsPerSegment) {
            Invariants.check(cur == null || pos >= cur.startPos, "event at %d before segment start %d", pos,
                    cur == null ? 0 : cur.startPos);
            if (cur != null) {
                cur.closed = true;
            }
            cur = new Segment(pos);
            segments.add(cur);
        }
        cur.events++;
        for (MdsDentryChange c : blob.getDentriesList()) {
            cur.dirtyDirs.add(c.getDirIno());
        }
        cur.dirtyDirs.addAll(blob.getCreatedDirsList());
        cur.removedDirs.addAll(blob.getRemovedDirsList());
    }

    int count() {
        return segments.size();
    }

    /** Closes the current segment, so that the next event starts a new one (before writing everything back). */
    void closeCurrent() {
        if (!segments.isEmpty()) {
            segments.get(segments.size() - 1).closed = true;
        }
    }

    /** How many of the oldest segments to expire so that at most {@code keep} remain (the current one always stays). */
    int overflow(int keep) {
        return Math.max(0, segments.size() - Math.max(keep, 1));
    }

    /** Every closed segment: what writing everything back expires. */
    int closedCount() {
        int n = 0;
        for (Segment s : segments) {
            if (s.closed) {
                n++;
            }
        }
        return n;
    }

    List<Segment> oldest(int n) {
        return List.copyOf(segments.subList(0, n));
    }

    /** Where the journal may be expired to once the oldest {@code n} are written back: the next one's start. */
    long startAfter(int n, long appendPos) {
        return n < segments.size() ? segments.get(n).startPos : appendPos;
    }

    void dropOldest(int n) {
        Invariants.check(n <= segments.size(), "dropping %d of %d segments", n, segments.size());
        segments.subList(0, n).clear();
    }
}
