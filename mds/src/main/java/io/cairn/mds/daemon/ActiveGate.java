package io.cairn.mds.daemon;

import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Client requests that arrive in up:reconnect or up:rejoin wait here until up:active, and then
 * go in the order they came (a client resends its unsafe requests in their original order, and
 * they must be applied so). Bounded: past {@code max} waiting, a request is refused (the client
 * resends it later).
 */
final class ActiveGate {
    private final int max;
    private final Queue<Runnable> waiting = new ArrayDeque<>();
    private boolean open;

    ActiveGate(int max) {
        this.max = max;
    }

    /** Runs {@code work} now if the gate is open, later (in arrival order) if not; false when too many wait. */
    synchronized boolean runWhenOpen(Runnable work) {
        if (open) {
            work.run();
            return true;
        }
        if (waiting.size() >= max) {
            return false;
        }
        waiting.add(work);
        return true;
    }

    /** up:active: what waited runs, in order, before anything that comes later. */
    synchronized void open() {
        open = true;
        for (Runnable r = waiting.poll(); r != null; r = waiting.poll()) {
            r.run();
        }
    }

    synchronized boolean isOpen() {
        return open;
    }
}
