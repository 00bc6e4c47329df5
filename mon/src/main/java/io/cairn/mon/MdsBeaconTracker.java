package io.cairn.mon;

import io.cairn.common.Invariants;
import io.cairn.proto.v1.MdsBeaconRequest;
import io.cairn.proto.v1.MdsDaemonInfo;
import io.cairn.proto.v1.MdsHealthMetric;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The leader's side of MDS liveness (Ceph's MDSMonitor beacon handling), as a pure state machine:
 * beacons and ticks in, with the newest FsMap and the leader's monotonic clock; what to propose out.
 * <ul>
 * <li>a beacon from a gid the map does not know, asking to boot (up:boot, or up:standby), proposes
 *     {@code mds boot}; a gid the monitors removed is never booted again (its daemon sees itself gone
 *     from the map it gets back, and restarts as a new gid);
 * <li>a rank holder's beacon asking for the legal next state of its rank, from a map that already
 *     gave it the rank, proposes {@code mds state};
 * <li>a tick proposes {@code mds fail} for a daemon silent for {@code mds_beacon_grace}. Graces
 *     start when this monitor first sees a daemon as leader, so a new leader fails no one before a
 *     full grace; and after a gap between ticks longer than grace minus interval (a stalled
 *     monitor, a slow election) every grace starts again, as Ceph's does.
 * </ul>
 * A proposal not yet seen applied is made again after {@link #REPROPOSE_MS}. The health metrics
 * each daemon reports ride along, for the leader's health checks.
 */
final class MdsBeaconTracker {
    record Settings(long graceMs, long intervalMs) {
        Settings {
            Invariants.check(graceMs > 0 && intervalMs > 0, "mds beacon grace %d ms, interval %d ms", graceMs, intervalMs);
        }
    }

    sealed interface Action permits Boot, ChangeState, Fail { }

    record Boot(long gid, String name, String addr) implements Action { }

    record ChangeState(long gid, MdsState state) implements Action { }

    record Fail(long gid, String name, String reason) implements Action { }

    static final long REPROPOSE_MS = 5_000;
    /** Health metrics kept per daemon; a beacon carrying more is cut here. */
    static final int METRICS_PER_DAEMON_MAX = 32;
    /** Proposals awaiting their effect; beacons from unknown gids cannot grow it beyond this. */
    static final int PENDING_MAX = 4096;
    private static final Set<String> BOOT_STATES = Set.of("up:boot", "up:standby");

    private boolean leader;
    private long lastTickMs = Long.MIN_VALUE;
    private final Map<Long, Long> lastHeardMs = new HashMap<>();
    private final Map<Long, List<MdsHealthMetric>> health = new HashMap<>();
    private final Map<Long, FsView.Load> loads = new HashMap<>();
    /** Per proposal key (boot:GID, state:GID:STATE, fail:GID), when it was last proposed. */
    private final Map<String, Long> proposedAtMs = new HashMap<>();

    void leadershipGained(long nowMs) {
        leader = true;
        forget();
    }

    void leadershipLost() {
        leader = false;
        forget();
    }

    private void forget() {
        lastHeardMs.clear();
        health.clear();
        loads.clear();
        proposedAtMs.clear();
    }

    List<Action> beacon(MdsBeaconRequest b, FsMap map, long nowMs) {
        List<Action> out = new ArrayList<>();
        if (!leader || b.getGid() <= 0 || b.getName().isEmpty()) {
            return out;
        }
        reconcile(map, nowMs);
        MdsDaemonInfo d = map.daemon(b.getGid());
        if (d == null) {
            if (!map.wasRemoved(b.getGid()) && BOOT_STATES.contains(b.getWantedState())
                    && due("boot:" + b.getGid(), nowMs)) {
                out.add(new Boot(b.getGid(), b.getName(), b.getAddr()));
            }
            return out;
        }
        lastHeardMs.merge(d.getGid(), nowMs, Math::max);
        loads.put(d.getGid(), new FsView.Load(b.getNumClients(), b.getNumCaps()));
        if (b.getHealthCount() == 0) {
            health.remove(d.getGid());
        } else {
            health.put(d.getGid(), List.copyOf(b.getHealthList().subList(0, Math.min(b.getHealthCount(),
                    METRICS_PER_DAEMON_MAX))));
        }
        MdsState current = MdsState.of(d);
        MdsState wanted = MdsState.named(b.getWantedState());
        // a daemon cannot have recovered a rank from a map that had not given it the rank yet
        if (wanted != null && wanted != current && current.holdsRank() && b.getFsmapEpoch() >= d.getUpEpoch()
                && MdsStateChanges.transitionValid(current, wanted)
                && due("state:" + d.getGid() + ":" + wanted.cephName(), nowMs)) {
            out.add(new ChangeState(d.getGid(), wanted));
        }
        return out;
    }

    List<Action> tick(FsMap map, long nowMs, Settings s) {
        Invariants.check(nowMs >= lastTickMs, "tick went back from %d to %d", lastTickMs, nowMs);
        long gapMs = lastTickMs == Long.MIN_VALUE ? 0 : nowMs - lastTickMs;
        lastTickMs = nowMs;
        List<Action> out = new ArrayList<>();
        if (!leader) {
            return out;
        }
        if (gapMs > Math.max(s.graceMs() - s.intervalMs(), s.graceMs() / 2)) {
            // this monitor was not listening either: nobody's silence can be told from its own
            lastHeardMs.replaceAll((gid, at) -> nowMs);
        }
        reconcile(map, nowMs);
        for (MdsDaemonInfo d : map.daemons()) {
            long silentMs = nowMs - lastHeardMs.get(d.getGid());
            if (silentMs >= s.graceMs() && due("fail:" + d.getGid(), nowMs)) {
                out.add(new Fail(d.getGid(), d.getName(), "no beacon for " + silentMs / 1000 + "s"));
            }
        }
        return out;
    }

    /** {@code map} with what its daemons last reported: health metrics, clients and caps, by gid. */
    FsView view(FsMap map) {
        Map<Long, List<MdsHealthMetric>> h = new TreeMap<>();
        health.forEach((gid, metrics) -> {
            if (map.daemon(gid) != null) {
                h.put(gid, metrics);
            }
        });
        Map<Long, FsView.Load> l = new TreeMap<>();
        loads.forEach((gid, load) -> {
            if (map.daemon(gid) != null) {
                l.put(gid, load);
            }
        });
        return new FsView(map, h, l);
    }

    /** Daemons new to this leader get a full grace; those gone and proposals that took effect are forgotten. */
    private void reconcile(FsMap map, long nowMs) {
        for (MdsDaemonInfo d : map.daemons()) {
            lastHeardMs.putIfAbsent(d.getGid(), nowMs);
        }
        lastHeardMs.keySet().removeIf(gid -> map.daemon(gid) == null);
        health.keySet().removeIf(gid -> map.daemon(gid) == null);
        loads.keySet().removeIf(gid -> map.daemon(gid) == null);
        proposedAtMs.keySet().removeIf(key -> settled(key, map));
    }

    private static boolean settled(String key, FsMap map) {
        String[] parts = key.split(":", 3);
        long gid = Long.parseLong(parts[1]);
        MdsDaemonInfo d = map.daemon(gid);
        return switch (parts[0]) {
            case "boot" -> d != null || map.wasRemoved(gid);
            case "fail" -> d == null;
            default -> d == null || d.getState().equals(parts[2]);
        };
    }

    private boolean due(String key, long nowMs) {
        Long at = proposedAtMs.get(key);
        if (at == null && proposedAtMs.size() >= PENDING_MAX) {
            return false;
        }
        if (at != null && nowMs - at < REPROPOSE_MS) {
            return false;
        }
        proposedAtMs.put(key, nowMs);
        return true;
    }
}
