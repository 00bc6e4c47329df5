package io.cairn.mds;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Requests between arrival and reply, with their arrival time: what MDS_SLOW_REQUEST counts. Thread-safe. */
final class RequestTracker {
    private final AtomicLong nextId = new AtomicLong();
    private final Map<Long, Long> startMs = new ConcurrentHashMap<>();

    long start(long nowMs) {
        long id = nextId.incrementAndGet();
        startMs.put(id, nowMs);
        return id;
    }

    void end(long id) {
        startMs.remove(id);
    }

    /** Requests waiting longer than {@code thresholdMs}. */
    int slow(long nowMs, long thresholdMs) {
        int n = 0;
        for (long started : startMs.values()) {
            if (nowMs - started > thresholdMs) {
                n++;
            }
        }
        return n;
    }

    int inFlight() {
        return startMs.size();
    }
}
