package io.cairn.osd.pg;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The client requests (client:tid) a PG applied recently, with the version each got — Ceph's
 * dup detection. A client resends a write whose reply it never saw; if the PG already holds it,
 * the primary answers with the version instead of applying it twice (an append twice is
 * corruption). Bounded: the oldest are forgotten, as the log forgets them.
 */
public final class RecentRequests {
    public static final int KEPT = (int) PgCopies.LOG_ENTRIES_KEPT;

    private final LinkedHashMap<String, Long> applied = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > KEPT;
        }
    };

    public static RecentRequests fromLog(List<Map.Entry<String, Long>> oldestFirst) {
        RecentRequests r = new RecentRequests();
        oldestFirst.forEach(e -> r.add(e.getKey(), e.getValue()));
        return r;
    }

    public synchronized void add(String reqid, long version) {
        applied.put(reqid, version);
    }

    public synchronized Optional<Long> find(String reqid) {
        return Optional.ofNullable(applied.get(reqid));
    }
}
