package io.cairn.mds;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Regular files whose backtrace is to be written (made, moved, or handed to another link), each
 * once the event that asked for it is durable: a backtrace of a file that a crash undoes would
 * leave an object behind.
 */
final class BacktraceQueue {
    /** ino -> the log position its event ends at. */
    private final LinkedHashMap<Long, Long> pending = new LinkedHashMap<>();
    private final Set<Long> inFlight = new HashSet<>();

    void add(long ino, long eligiblePos) {
        pending.remove(ino);
        pending.put(ino, eligiblePos);
    }

    /** The file is gone: nothing to write (a write in flight still completes). */
    void drop(long ino) {
        pending.remove(ino);
    }

    /** Up to {@code max} inodes whose events ended at or before {@code pos} and are not being written; marked running. */
    List<Long> take(long pos, int max) {
        List<Long> out = new ArrayList<>();
        Iterator<Map.Entry<Long, Long>> it = pending.entrySet().iterator();
        while (it.hasNext() && out.size() < max) {
            Map.Entry<Long, Long> e = it.next();
            if (e.getValue() <= pos && !inFlight.contains(e.getKey())) {
                out.add(e.getKey());
                inFlight.add(e.getKey());
                it.remove();
            }
        }
        return out;
    }

    void done(long ino) {
        inFlight.remove(ino);
    }

    /** A write failed: it is tried again later. */
    void failed(long ino) {
        inFlight.remove(ino);
        pending.putIfAbsent(ino, 0L);
    }

    Set<Long> writing() {
        return Set.copyOf(inFlight);
    }

    int size() {
        return pending.size() + inFlight.size();
    }
}
