package io.cairn.mon;

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

/**
 * The leader's failure detector, as a pure state machine: beacons and failure reports go in
 * through {@link #step}; {@link #tick} with the newest map and the time returns what to propose.
 * No threads, sockets or clocks inside, so tests replay scripted histories.
 *
 * <p>An up OSD is marked down when reporters from at least {@code minReporters} distinct failure
 * domains (CRUSH buckets of the reporter subtree type) report it, or when it sends no beacon for
 * the report timeout. A down OSD that is still in is marked out after the down-out interval,
 * unless noout is set; the ratio floor is enforced when the mark-out is applied.
 */
final class FailureDetector {
    /** What the detector reads from config on every tick (some options change at runtime). */
    record Settings(int minReporters, String reporterSubtreeLevel, long reportTimeoutMs, long downOutIntervalMs,
                    long reportValidMs, double minInRatio) { }

    sealed interface Event permits Beacon, FailureReport, FailureCancel { }

    record Beacon(int osd, long nowMs) implements Event { }

    /** {@code epoch}: the reporter's map when it reported; a report older than the target's last boot is stale. */
    record FailureReport(int reporter, int target, int epoch, long nowMs) implements Event { }

    private record Reported(long atMs, int epoch) { }

    record FailureCancel(int reporter, int target) implements Event { }

    sealed interface Action permits MarkDown, MarkOut { }

    record MarkDown(List<Integer> osds, String reason) implements Action { }

    record MarkOut(List<Integer> osds, double minInRatio) implements Action { }

    /** Re-propose an unapplied decision at most this often. */
    private static final long REPROPOSE_MS = 5_000;
    private static final int REPORTS_PER_TARGET_MAX = 1024;

    private final long startMs;
    private final Map<Integer, Long> lastBeaconMs = new HashMap<>();
    private final Map<Integer, Map<Integer, Reported>> reports = new TreeMap<>();
    private final Map<String, Long> proposedAtMs = new HashMap<>();

    /** {@code startMs}: when this monitor became leader; silence is counted from then at the earliest. */
    FailureDetector(long startMs) {
        this.startMs = startMs;
    }

    void step(Event e) {
        switch (e) {
            case Beacon b -> lastBeaconMs.merge(b.osd(), b.nowMs(), Math::max);
            case FailureReport r -> {
                Map<Integer, Reported> byReporter = reports.computeIfAbsent(r.target(), k -> new HashMap<>());
                if (byReporter.size() < REPORTS_PER_TARGET_MAX || byReporter.containsKey(r.reporter())) {
                    byReporter.put(r.reporter(), new Reported(r.nowMs(), r.epoch()));
                }
            }
            case FailureCancel c -> {
                Map<Integer, Reported> byReporter = reports.get(c.target());
                if (byReporter != null) {
                    byReporter.remove(c.reporter());
                }
            }
        }
    }

    List<Action> tick(long nowMs, OsdMap map, Settings s) {
        List<Action> actions = new ArrayList<>();
        if (map == null) {
            return actions;
        }
        Map<Integer, String> domains = failureDomains(map.crush(), s.reporterSubtreeLevel());
        Set<Integer> reported = new TreeSet<>();
        Set<Integer> silent = new TreeSet<>();
        for (OsdInfo o : map.osds().values()) {
            if (!o.exists() || !o.up()) {
                reports.remove(o.id());
                continue;
            }
            if (distinctReporterDomains(o.id(), map, domains, nowMs, s) >= s.minReporters()) {
                reported.add(o.id());
            } else {
                long last = Math.max(lastBeaconMs.getOrDefault(o.id(), startMs), startMs);
                if (nowMs - last >= s.reportTimeoutMs()) {
                    silent.add(o.id());
                }
            }
        }
        if (!map.hasFlag(ClusterFlag.NODOWN)) {
            addIfDue(actions, "down-reported", reported, nowMs,
                    ids -> new MarkDown(ids, "reported failed by " + s.minReporters() + "+ "
                            + s.reporterSubtreeLevel() + "s"));
            addIfDue(actions, "down-silent", silent, nowMs,
                    ids -> new MarkDown(ids, "no beacon for " + s.reportTimeoutMs() / 1000 + "s"));
        }
        if (!map.hasFlag(ClusterFlag.NOOUT) && s.downOutIntervalMs() > 0) {
            Set<Integer> out = new TreeSet<>();
            for (OsdInfo o : map.osds().values()) {
                if (o.exists() && !o.up() && o.in() && o.upFrom() > 0 && nowMs - o.downStampMs() >= s.downOutIntervalMs()) {
                    out.add(o.id());
                }
            }
            addIfDue(actions, "out", out, nowMs, ids -> new MarkOut(ids, s.minInRatio()));
        }
        return actions;
    }

    private int distinctReporterDomains(int target, OsdMap map, Map<Integer, String> domains, long nowMs, Settings s) {
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
                          java.util.function.Function<List<Integer>, Action> make) {
        List<Integer> due = new ArrayList<>();
        for (int id : ids) {
            String key = kind + ":" + id;
            Long at = proposedAtMs.get(key);
            if (at == null || nowMs - at >= REPROPOSE_MS) {
                proposedAtMs.put(key, nowMs);
                due.add(id);
            }
        }
        proposedAtMs.keySet().removeIf(k -> k.startsWith(kind + ":") && !ids.contains(Integer.parseInt(k.substring(kind.length() + 1))));
        if (!due.isEmpty()) {
            actions.add(make.apply(due));
        }
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
