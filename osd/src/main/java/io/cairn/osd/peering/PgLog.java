package io.cairn.osd.peering;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable view of a member's PG log: entries strictly increasing in version after {@code
 * tail}. Entries before the tail were trimmed, so a member whose last_update is older than the tail
 * cannot be brought up from this log (it needs backfill).
 */
public record PgLog(Eversion tail, List<LogEntry> entries) {
    public PgLog {
        entries = List.copyOf(entries);
        Eversion prev = tail;
        for (LogEntry e : entries) {
            if (!e.version().newerThan(prev)) {
                throw new IllegalArgumentException("log entry " + e.version() + " not after " + prev);
            }
            prev = e.version();
        }
    }

    public static PgLog empty() {
        return new PgLog(Eversion.ZERO, List.of());
    }

    public Eversion head() {
        return entries.isEmpty() ? tail : entries.get(entries.size() - 1).version();
    }

    /** True when this log holds an entry at exactly {@code v}, or {@code v} is its tail. */
    public boolean has(Eversion v) {
        return v.equals(tail) || find(v).isPresent();
    }

    public Optional<LogEntry> find(Eversion v) {
        int lo = 0;
        int hi = entries.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = entries.get(mid).version().compareTo(v);
            if (c == 0) {
                return Optional.of(entries.get(mid));
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return Optional.empty();
    }

    /** Entries newer than {@code after}, in order. */
    public List<LogEntry> after(Eversion after) {
        List<LogEntry> out = new ArrayList<>();
        for (LogEntry e : entries) {
            if (e.version().newerThan(after)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The newest entry per object among those newer than {@code after}. */
    public Map<ObjectName, LogEntry> newestPerObjectAfter(Eversion after) {
        Map<ObjectName, LogEntry> out = new LinkedHashMap<>();
        for (LogEntry e : after(after)) {
            out.remove(e.object());
            out.put(e.object(), e);
        }
        return out;
    }
}
