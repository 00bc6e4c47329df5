package io.cairn.mds;

import io.cairn.proto.v1.MdsPurgeItem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Files whose last link is gone and whose data objects are still to be removed (Ceph's
 * PurgeQueue, in small). An item may start only once the event that made it is durable, since
 * a crash before would bring the file back. Items live in the journal's events and, once written
 * back, in the purge queue object's omap, so a trimmed journal loses none.
 */
final class PurgeQueue {
    private record Pending(MdsPurgeItem item, long eligiblePos) { }

    private final TreeMap<Long, Pending> pending = new TreeMap<>();
    private final Set<Long> inFlight = new HashSet<>();
    private final Set<Long> dirtyKeys = new HashSet<>();

    /** Queues an item made by the event ending at {@code eligiblePos}. */
    void add(MdsPurgeItem item, long eligiblePos) {
        pending.put(item.getIno(), new Pending(item, eligiblePos));
        dirtyKeys.add(item.getIno());
    }

    /** An item read back from the purge queue object. */
    void install(MdsPurgeItem item) {
        pending.put(item.getIno(), new Pending(item, 0));
    }

    /** Items that may start now (durable, not running, not excluded), marked running; at most to {@code inFlightMax}. */
    List<MdsPurgeItem> start(long safePos, int inFlightMax, Set<Long> exclude) {
        List<MdsPurgeItem> out = new ArrayList<>();
        for (Pending p : pending.values()) {
            if (inFlight.size() >= inFlightMax) {
                break;
            }
            long ino = p.item().getIno();
            if (p.eligiblePos() <= safePos && !inFlight.contains(ino) && !exclude.contains(ino)) {
                inFlight.add(ino);
                out.add(p.item());
            }
        }
        return out;
    }

    void done(long ino) {
        inFlight.remove(ino);
        if (pending.remove(ino) != null) {
            dirtyKeys.add(ino);
        }
    }

    void failed(long ino) {
        inFlight.remove(ino);
    }

    int size() {
        return pending.size();
    }

    boolean contains(long ino) {
        return pending.containsKey(ino);
    }

    /** What changed since the last writeback, as omap values (null: remove the key); marks it clean. */
    Map<String, byte[]> takeDirty() {
        Map<String, byte[]> out = new TreeMap<>();
        for (long ino : dirtyKeys) {
            Pending p = pending.get(ino);
            out.put(MdsObjects.inoKey(ino), p == null ? null : p.item().toByteArray());
        }
        dirtyKeys.clear();
        return out;
    }

    void restoreDirty(Set<String> keys) {
        keys.forEach(k -> dirtyKeys.add(MdsObjects.inoOfKey(k)));
    }
}
