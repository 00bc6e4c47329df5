package io.cairn.common.time;

/** The real clock. */
public final class SystemClock implements Clock {
    @Override
    public long wallMs() {
        return System.currentTimeMillis();
    }

    @Override
    public long monotonicMs() {
        return System.nanoTime() / 1_000_000L;
    }
}
