package io.cairn.mon;

import io.cairn.common.Invariants;
import io.cairn.common.osdmap.ClusterFlag;
import io.cairn.common.osdmap.OsdInfo;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.crush.Bucket;
import io.cairn.crush.CrushMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The monitors' failure and auto-out decisions, as one pure state machine: events in through
 * {@link #step}, what to propose out of {@link #tick}. No threads, sockets or clocks inside; every
 * time is the monotonic reading the caller gives with the event, so tests replay scripted
 * histories ({@code src/test/resources/failure-detector/}).
 *
 * <p>Every monitor keeps one for its whole life (it is not rebuilt per Raft term) and feeds it
 * each applied map, so whoever leads next knows how long each OSD has been down. Only the leader
 * gets beacons, failure reports and repair counts, and only the leader's {@link #tick} decides:
 * <ul>
 * <li>an up OSD is marked down when reporters from at least {@code minReporters} distinct failure
 *     domains (CRUSH buckets of the reporter subtree type) report it, or after the report timeout
 *     without a beacon — counted from the leadership start at the earliest, since a new leader did
 *     not see the silence before it (Ceph's leader waits as long after it takes over);
 * <li>a down OSD that is still in is marked out after the down-out interval since this monitor saw
 *     it go down, unless noout is set;
 * <li>with {@code osd_scrub_auto_out_on_errors}, an in OSD whose repaired copies reached
 *     {@code mon_osd_warn_num_repaired} is marked out while up, once per count: once its mark-out
 *     is seen applied, an operator who marks it in again is not overruled until more copies go bad;
 * <li>no mark-out takes the in OSDs below {@code mon_osd_min_in_ratio} of those that exist (the
 *     apply checks it again against the map it applies to).
 * </ul>
 * A decision not yet seen applied is proposed again after {@link #REPROPOSE_MS}.
 */
final class FailureDetector {
    /** What the detector reads from config on every tick (some options change at runtime). */
    record Settings(int minReporters, String reporterSubtreeLevel, long reportTimeoutMs, long downOutIntervalMs,
                    long reportValidMs, double minInRatio, boolean autoOutOnErrors, long warnNumRepaired) {
        Settings {
            Invariants.check(minReporters >= 1, "min reporters %d", minReporters);
            Invariants.check(reportTimeoutMs >= 0 && downOutIntervalMs >= 0 && reportValidMs >= 0, "negative interval");
        }
    }

    sealed interface Event permits Beacon, FailureReport, FailureCancelled, MapApplied, LeadershipGained,
            LeadershipLost, RepairCounts { }

    /** An OSD's sign of life, at the leader's monotonic {@code nowMs}. */
    record Beacon(int osd, long nowMs) implements Event { }

    /** {@code epoch}: the reporter's map when it reported; a report older than the target's last boot is stale. */
    record FailureReport(int reporter, int target, int epoch, long nowMs) implements Event { }

    /** The reporter hears from the target again. */
    record FailureCancelled(int reporter, int target) implements Event { }

    /** This monitor applied a new epoch (every monitor, leader or not). */
    record MapApplied(OsdMap map, long nowMs) implements Event { }

    record LeadershipGained(long nowMs) implements Event { }

    record LeadershipLost() implements Event { }

    /** The leader's PG stats: each OSD's copies that scrub found bad and repair rewrote. */
    record RepairCounts(Map<Integer, Long> repairedByOsd) implements Event { }

    sealed interface Action permits MarkDown, MarkOut { }

    record MarkDown(List<Integer> osds, String reason) implements Action { }

    /** {@code upOk}: the OSDs may still be up (a drive taken out for its scrub errors). */
    record MarkOut(List<Integer> osds, double minInRatio, boolean upOk, String reason) implements Action { }

    /** Re-propose an unapplied decision at most this often. */
    static final long REPROPOSE_MS = 5_000;
    private static final int REPORTS_PER_TARGET_MAX = 1024;

    private OsdMap map;
    private boolean leader;
    private long leaderSinceMs;
    private long lastTickMs = Long.MIN_VALUE;
    /** Up OSDs: when the leader last heard a beacon, or gave a fresh grace (leadership, boot). */
    private final Map<Integer, Long> lastHeardMs = new HashMap<>();
    /** Per target, per reporter: the newest report. */
    private final Map<Integer, Map<Integer, Reported>> reports = new TreeMap<>();
    /** Down and in OSDs: when this monitor first saw them down. */
    private final Map<Integer, Long> downSinceMs = new HashMap<>();
    private final Map<Integer, Long> repairs = new TreeMap<>();
    /** Per OSD, the repair count it was last marked out for (seen applied), and the one proposed. */
    private final Map<Integer, Long> repairOutDone = new HashMap<>();
    private final Map<Integer, Long> repairOutProposed = new HashMap<>();
    private final Map<String, Long> proposedAtMs = new HashMap<>();

    private record Reported(long atMs, int epoch) { }

    void step(Event e) {
        switch (e) {
            case Beacon b -> {
                if (leader && map != null && map.isUp(b.osd())) {
                    lastHeardMs.merge(b.osd(), b.nowMs(), Math::max);
                }
            }
            case FailureReport r -> report(r);
            case FailureCancelled c -> {
                Map<Integer, Reported> byReporter = reports.get(c.target());
                if (byReporter != null) {
                    byReporter.remove(c.reporter());
                }
            }
            case MapApplied m -> mapApplied(m.map(), m.nowMs());
            case LeadershipGained g -> {
                leader = true;
                leaderSinceMs = g.nowMs();
                forgetLeaderState();
                if (map != null) {
                    for (OsdInfo o : map.osds().values()) {
                        if (o.exists() && o.up()) {
                            lastHeardMs.put(o.id(), g.nowMs());
                        }
                    }
                }
            }
            case LeadershipLost l -> {
                leader = false;
                forgetLeaderState();
            }
            case RepairCounts r -> {
                if (leader) {
                    repairs.clear();
                    r.repairedByOsd().forEach((osd, n) -> {
                        if (map != null && map.osd(osd) != null) {
                            repairs.put(osd, n);
                        }
                    });
                }
            }
        }
    }

    /** Beacons, reports, repair counts and pending proposals are the leader's alone. */
    private void forgetLeaderState() {
        lastHeardMs.clear();
        reports.clear();
        repairs.clear();
        repairOutProposed.clear();
        proposedAtMs.clear();
    }

    private void report(FailureReport r) {
        if (!leader || map == null || !map.isUp(r.target()) || map.osd(r.reporter()) == null) {
            return;
        }
        Map<Integer, Reported> byReporter = reports.computeIfAbsent(r.target(), k -> new HashMap<>());
        if (byReporter.size() < REPORTS_PER_TARGET_MAX || byReporter.containsKey(r.reporter())) {
            byReporter.put(r.reporter(), new Reported(r.nowMs(), r.epoch()));
        }
    }

    private void mapApplied(OsdMap next, long nowMs) {
        OsdMap before = map;
        map = next;
        for (OsdInfo o : next.osds().values()) {
            OsdInfo was = before == null ? null : before.osd(o.id());
            if (!o.exists() || !o.up()) {
                lastHeardMs.remove(o.id());
                reports.remove(o.id());
            } else if (leader && (was == null || !was.up() || was.upFrom() != o.upFrom())) {
                // a (re)booted OSD gets a full timeout before its silence counts
                lastHeardMs.put(o.id(), nowMs);
            }
            if (o.exists() && !o.up() && o.in()) {
                downSinceMs.putIfAbsent(o.id(), nowMs);
            } else {
                downSinceMs.remove(o.id());
            }
            Long proposed = repairOutProposed.get(o.id());
            if (proposed != null && !o.in()) {
                repairOutDone.put(o.id(), proposed);
                repairOutProposed.remove(o.id());
            }
        }
        for (Map<Integer, ?> perOsd : List.of(lastHeardMs, reports, downSinceMs, repairs, repairOutDone,
                repairOutProposed)) {
            perOsd.keySet().removeIf(id -> next.osd(id) == null);
        }
    }

    /** What the leader should propose now; nothing on a follower or before the first map. */
    List<Action> tick(long nowMs, Settings s) {
        Invariants.check(nowMs >= lastTickMs, "tick went back from %d to %d", lastTickMs, nowMs);
        lastTickMs = nowMs;
        List<Action> actions = new ArrayList<>();
        if (!leader || map == null) {
            return actions;
        }
        if (!map.hasFlag(ClusterFlag.NODOWN)) {
            markDowns(nowMs, s, actions);
        }
        if (!map.hasFlag(ClusterFlag.NOOUT)) {
            int[] in = {map.numInOsds()};
            markOuts(nowMs, s, in, actions);
            repairOuts(nowMs, s, in, actions);
        }
        return actions;
    }

    private void markDowns(long nowMs, Settings s, List<Action> actions) {
        Map<Integer, String> domains = failureDomains(map.crush(), s.reporterSubtreeLevel());
        Set<Integer> reported = new TreeSet<>();
        Set<Integer> silent = new TreeSet<>();
        for (OsdInfo o : map.osds().values()) {
            if (!o.exists() || !o.up()) {
                continue;
            }
            if (distinctReporterDomains(o.id(), domains, nowMs, s) >= s.minReporters()) {
                reported.add(o.id());
            } else {
                long last = Math.max(lastHeardMs.getOrDefault(o.id(), leaderSinceMs), leaderSinceMs);
                if (nowMs - last >= s.reportTimeoutMs()) {
                    silent.add(o.id());
                }
            }
        }
        addIfDue(actions, "down-reported", reported, nowMs, ids -> new MarkDown(ids, "reported failed by "
                + s.minReporters() + "+ " + s.reporterSubtreeLevel() + "s"));
        addIfDue(actions, "down-silent", silent, nowMs,
                ids -> new MarkDown(ids, "no beacon for " + s.reportTimeoutMs() / 1000 + "s"));
    }

    private void markOuts(long nowMs, Settings s, int[] in, List<Action> actions) {
        if (s.downOutIntervalMs() == 0) {
            return;
        }
        Set<Integer> out = new TreeSet<>();
        for (Map.Entry<Integer, Long> e : new TreeMap<>(downSinceMs).entrySet()) {
            OsdInfo o = map.osd(e.getKey());
            // an OSD that never booted was never holding data: leave it for the operator
            if (o.upFrom() > 0 && nowMs - e.getValue() >= s.downOutIntervalMs() && mayTakeOneOut(in, s)) {
                out.add(o.id());
            }
        }
        addIfDue(actions, "out", out, nowMs, ids -> new MarkOut(ids, s.minInRatio(), false, ""));
    }

    private void repairOuts(long nowMs, Settings s, int[] in, List<Action> actions) {
        if (!s.autoOutOnErrors()) {
            return;
        }
        Set<Integer> out = new TreeSet<>();
        for (Map.Entry<Integer, Long> e : repairs.entrySet()) {
            OsdInfo o = map.osd(e.getKey());
            long count = e.getValue();
            if (count >= s.warnNumRepaired() && o.exists() && o.in()
                    && repairOutDone.getOrDefault(o.id(), -1L) < count && mayTakeOneOut(in, s)) {
                out.add(o.id());
                repairOutProposed.put(o.id(), count);
            }
        }
        for (int id : out) {
            addIfDue(actions, "repairs:" + id, Set.of(id), nowMs, ids -> new MarkOut(ids, s.minInRatio(), true,
                    repairs.get(id) + " copies repaired, osd_scrub_auto_out_on_errors"));
        }
        proposedAtMs.keySet().removeIf(k -> k.startsWith("repairs:") && !out.contains(idOf(k)));
    }

    /** Whether one more OSD may go out without the in ones falling below the ratio; counts it if so. */
    private boolean mayTakeOneOut(int[] in, Settings s) {
        int existing = map.numOsds();
        if (existing == 0 || (in[0] - 1) / (double) existing < s.minInRatio()) {
            return false;
        }
        in[0]--;
        return true;
    }

    private int distinctReporterDomains(int target, Map<Integer, String> domains, long nowMs, Settings s) {
        Map<Integer, Reported> byReporter = reports.get(target);
        if (byReporter == null) {
            return 0;
        }
        // reports about an earlier incarnation (sent from a map before the target last came up) do not count
        int upFrom = map.osd(target).upFrom();
        byReporter.values().removeIf(r -> nowMs - r.atMs() > s.reportValidMs() || r.epoch() < upFrom);
        Set<String> seen = new HashSet<>();
        for (int reporter : byReporter.keySet()) {
            if (map.isUp(reporter)) {
                seen.add(domains.getOrDefault(reporter, "osd." + reporter));
            }
        }
        return seen.size();
    }

    private void addIfDue(List<Action> actions, String kind, Set<Integer> ids, long nowMs,
                          Function<List<Integer>, Action> make) {
        List<Integer> due = new ArrayList<>();
        for (int id : ids) {
            String key = kind + ":" + id;
            Long at = proposedAtMs.get(key);
            if (at == null || nowMs - at >= REPROPOSE_MS) {
                proposedAtMs.put(key, nowMs);
                due.add(id);
            }
        }
        if (!kind.startsWith("repairs:")) {
            proposedAtMs.keySet().removeIf(k -> k.startsWith(kind + ":") && !ids.contains(idOf(k)));
        }
        if (!due.isEmpty()) {
            actions.add(make.apply(due));
        }
    }

    private static int idOf(String key) {
        return Integer.parseInt(key.substring(key.lastIndexOf(':') + 1));
    }

    /** Device id to the name of the bucket of type {@code level} above it (its failure domain). */
    static Map<Integer, String> failureDomains(CrushMap crush, String level) {
        Map<Integer, String> out = new HashMap<>();
        Integer type = crush.typeId(level);
        if (type == null) {
            return out;
        }
        for (Bucket b : crush.buckets()) {
            if (b.typeId() == type && !crush.isShadow(b.id())) {
                collect(crush, b, crush.name(b.id()), out, 0);
            }
        }
        return out;
    }

    private static void collect(CrushMap crush, Bucket b, String domain, Map<Integer, String> out, int depth) {
        if (depth > crush.maxBuckets()) {
            return;
        }
        for (int i = 0; i < b.size(); i++) {
            int item = b.item(i);
            if (item >= 0) {
                out.putIfAbsent(item, domain);
            } else if (crush.bucket(item) != null) {
                collect(crush, crush.bucket(item), domain, out, depth + 1);
            }
        }
    }
}
