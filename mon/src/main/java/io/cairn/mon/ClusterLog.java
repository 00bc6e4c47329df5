package io.cairn.mon;

import io.cairn.common.Invariants;
import io.cairn.proto.v1.ClusterLogEntry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster log: data-safety events (OSDs down and out, PGs found inconsistent, repairs, drives
 * taken out), replicated with the maps so every monitor answers {@code log last} alike. Keeps
 * the newest {@link #KEPT} entries; sequence numbers only grow. Not thread-safe: the state
 * machine guards it.
 */
final class ClusterLog {
    static final int KEPT = 10_000;
    static final Set<String> LEVELS = Set.of("DBG", "INF", "WRN", "ERR");

    private final Deque<ClusterLogEntry> entries = new ArrayDeque<>();
    private long lastSeq;

    void add(long stampMs, String entity, String level, String message) {
        Invariants.check(LEVELS.contains(level), "bad cluster log level %s", level);
        entries.addLast(ClusterLogEntry.newBuilder().setSeq(++lastSeq).setStampMs(stampMs).setEntity(entity)
                .setLevel(level).setMessage(message).build());
        while (entries.size() > KEPT) {
            entries.removeFirst();
        }
    }

    /** The newest {@code n} entries after sequence {@code afterSeq}, oldest first. */
    List<ClusterLogEntry> last(int n, long afterSeq) {
        List<ClusterLogEntry> out = new ArrayList<>();
        var it = entries.descendingIterator();
        while (it.hasNext() && out.size() < n) {
            ClusterLogEntry e = it.next();
            if (e.getSeq() <= afterSeq) {
                break;
            }
            out.add(0, e);
        }
        return out;
    }

    List<ClusterLogEntry> all() {
        return List.copyOf(entries);
    }

    void restore(List<ClusterLogEntry> saved) {
        entries.clear();
        entries.addAll(saved);
        lastSeq = saved.isEmpty() ? 0 : saved.get(saved.size() - 1).getSeq();
    }

    /** Ceph's line: {@code 2026-11-26T08:00:00.123+0000 mon.a (mon.0) 12 : cluster [WRN] osd.3 marked down}. */
    static String line(ClusterLogEntry e) {
        return Instant.ofEpochMilli(e.getStampMs()).truncatedTo(ChronoUnit.MILLIS) + " " + e.getEntity() + " "
                + e.getSeq() + " : cluster [" + e.getLevel() + "] " + e.getMessage();
    }

    static Map<String, Object> json(ClusterLogEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.getEntity());
        m.put("stamp", Instant.ofEpochMilli(e.getStampMs()).toString());
        m.put("seq", e.getSeq());
        m.put("channel", "cluster");
        m.put("priority", "[" + e.getLevel() + "]");
        m.put("message", e.getMessage());
        return m;
    }
}
