package io.cairn.common.time;

import io.cairn.common.Invariants;

/** A clock that moves only when told to, for deterministic tests of timeouts. Thread-safe. */
public final class ManualClock implements Clock {
    private long nowMs;

    public ManualClock(long startMs) {
        nowMs = startMs;
    }

    @Override
    public synchronized long wallMs() {
        return nowMs;
    }

    @Override
    public synchronized long monotonicMs() {
        return nowMs;
    }

    public synchronized void advanceMs(long deltaMs) {
        Invariants.check(deltaMs >= 0, "time only moves forward: %d", deltaMs);
        nowMs += deltaMs;
    }
}
