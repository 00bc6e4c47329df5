package io.cairn.osd.heartbeat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which peers this OSD should report failed, as a pure state machine: replies and the current
 * peer set go in; {@link #tick} returns the reports (a peer silent for longer than the grace) and
 * cancellations (a reported peer that answers again). Time comes from the caller; a new peer gets
 * the full grace from when it was first seen.
 */
final class HeartbeatTracker {
    sealed interface Action permits Report, Cancel { }

    /** Tell the monitors {@code peer} has not answered for {@code silentMs}. */
    record Report(int peer, long silentMs) implements Action { }

    /** Tell the monitors {@code peer} answers again. */
    record Cancel(int peer) implements Action { }

    private final java.util.function.LongSupplier graceMs;
    private final Map<Integer, Long> lastHeardMs = new HashMap<>();
    private final Set<Integer> reported = new HashSet<>();

    HeartbeatTracker(long graceMs) {
        this(() -> graceMs);
        if (graceMs <= 0) {
            throw new IllegalArgumentException("heartbeat grace must be positive");
        }
    }

    /** With a grace read at every tick (osd_heartbeat_grace can change at runtime). */
    HeartbeatTracker(java.util.function.LongSupplier graceMs) {
        this.graceMs = graceMs;
    }

    void heard(int peer, long nowMs) {
        lastHeardMs.merge(peer, nowMs, Math::max);
    }

    /** The reports and cancellations due at {@code nowMs} for the current {@code peers}. */
    List<Action> tick(long nowMs, Set<Integer> peers) {
        lastHeardMs.keySet().retainAll(peers);
        reported.retainAll(peers);
        List<Action> actions = new ArrayList<>();
        for (int peer : peers) {
            long last = lastHeardMs.computeIfAbsent(peer, p -> nowMs);
            long silent = nowMs - last;
            if (silent > Math.max(1, graceMs.getAsLong())) {
                // repeated every tick while silent: reports expire at the monitors unless renewed
                reported.add(peer);
                actions.add(new Report(peer, silent));
            } else if (reported.remove(peer)) {
                actions.add(new Cancel(peer));
            }
        }
        return actions;
    }
}
