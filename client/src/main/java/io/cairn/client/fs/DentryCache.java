package io.cairn.client.fs;

import io.cairn.proto.v1.InodeData;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Directory names this mount may resolve without asking the MDS: each entry came with a lease
 * from a lookup and is used until the lease runs out, counted from when the lookup was sent (so
 * never past the MDS's own end of it), or until the MDS revokes it (before it unlinks or renames
 * the name). Emptied whenever the session opens again or goes stale: a new MDS knows none of the
 * leases. Bounded (least recently used go first).
 */
final class DentryCache {
    private static final int ENTRIES_MAX = 16_384;

    private record Key(long dirIno, String name) {}

    private record Leased(InodeData inode, long untilNanos) {}

    private final Map<Key, Leased> entries = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Leased> eldest) {
            return size() > ENTRIES_MAX;
        }
    };

    /** The cached inode of {@code name} in {@code dirIno} while its lease holds, else null. */
    synchronized InodeData get(long dirIno, String name) {
        Key k = new Key(dirIno, name);
        Leased e = entries.get(k);
        if (e == null) {
            return null;
        }
        if (System.nanoTime() - e.untilNanos() >= 0) {
            entries.remove(k);
            return null;
        }
        return e.inode();
    }

    /** A lookup sent at {@code sentNanos} came back with a lease of {@code leaseMs}. */
    synchronized void put(long dirIno, String name, InodeData inode, long sentNanos, long leaseMs) {
        if (leaseMs > 0) {
            entries.put(new Key(dirIno, name), new Leased(inode, sentNanos + leaseMs * 1_000_000L));
        }
    }

    synchronized void drop(long dirIno, String name) {
        entries.remove(new Key(dirIno, name));
    }

    synchronized void clear() {
        entries.clear();
    }

    synchronized int size() {
        return entries.size();
    }
}
