package io.cairn.mon;

import io.cairn.proto.v1.HealthMute;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Health checks an operator muted ({@code health mute CODE [TTL] [--sticky]}): a muted check
 * still shows in {@code health detail} but does not set the cluster's status. A mute ends at its
 * TTL, on {@code health unmute}, or, unless sticky, once its check clears. Replicated with the
 * maps; not thread-safe (the state machine guards it).
 */
final class HealthMutes {
    private final Map<String, HealthMute> mutes = new TreeMap<>();

    void mute(String code, long untilMs, boolean sticky) {
        mutes.put(code, HealthMute.newBuilder().setCode(code).setUntilMs(untilMs).setSticky(sticky).build());
    }

    boolean unmute(String code) {
        return mutes.remove(code) != null;
    }

    /** The mutes still in force at {@code nowMs}. */
    List<HealthMute> active(long nowMs) {
        return mutes.values().stream().filter(m -> m.getUntilMs() == 0 || m.getUntilMs() > nowMs).toList();
    }

    /** Drops mutes whose TTL passed (applied at a log entry's time, so every monitor agrees). */
    void expire(long nowMs) {
        mutes.values().removeIf(m -> m.getUntilMs() != 0 && m.getUntilMs() <= nowMs);
    }

    List<HealthMute> all() {
        return List.copyOf(mutes.values());
    }

    void restore(List<HealthMute> saved) {
        mutes.clear();
        saved.forEach(m -> mutes.put(m.getCode(), m));
    }
}
