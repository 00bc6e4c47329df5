package io.cairn.common.time;

/**
 * Where protocol code gets time: a wall-clock reading for stamps and a monotonic reading for
 * intervals. Daemons use {@link SystemClock}; tests drive a {@link ManualClock}.
 */
public interface Clock {
    /** Milliseconds since the epoch, for stamps that cross machines (map modified, down since). */
    long wallMs();

    /** A monotonic reading in milliseconds, for timeouts and intervals on this machine. */
    long monotonicMs();

    Clock SYSTEM = new SystemClock();
}
