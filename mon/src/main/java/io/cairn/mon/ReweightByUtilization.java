package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.osdmap.OsdInfo;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.OsdStatsRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ceph osd [test-]reweight-by-utilization [OLOAD [MAX_CHANGE [MAX_OSDS]]] [--no-increasing]}
 * (pure): OSDs more than OLOAD% of the mean utilization get their reweight lowered toward
 * weight x mean / utilization, by at most MAX_CHANGE; with increasing allowed, OSDs as far below
 * the mean are raised the same way (never above 1). The most outlying MAX_OSDS OSDs first. The
 * monitors turn the plan into one {@code osd reweightn}, so every monitor applies the same weights.
 */
final class ReweightByUtilization {
    private ReweightByUtilization() {}

    record Change(int osd, double from, double to, double utilization) { }

    record Plan(double average, double overload, List<Change> changes) {
        /** "0:0.95,3:0.9", for {@code osd reweightn}. */
        String weights() {
            return String.join(",", changes.stream().map(c -> c.osd() + ":" + c.to()).toList());
        }
    }

    static Plan plan(OsdMap map, PgStatsTable.Summary s, CommandArgs a) {
        int oload = a.integer("oload", 120);
        double maxChange = a.has("max_change") ? a.decimal("max_change") : 0.05;
        int maxOsds = a.integer("max_osds", 4);
        if (oload <= 100) {
            throw CairnException.invalid("oload must be greater than 100");
        }
        if (!(maxChange > 0 && maxChange <= 1) || maxOsds < 1) {
            throw CairnException.invalid("max_change must be in (0, 1] and max_osds at least 1");
        }
        boolean noIncreasing = a.flag("no_increasing");
        long used = 0;
        long total = 0;
        Map<Integer, Double> util = new LinkedHashMap<>();
        for (OsdStatsRequest r : s.osdReports().values()) {
            OsdInfo o = map.osd(r.getOsdId());
            if (o != null && o.exists() && o.up() && o.in() && r.getTotalBytes() > 0) {
                used += r.getUsedBytes();
                total += r.getTotalBytes();
                util.put(r.getOsdId(), (double) r.getUsedBytes() / r.getTotalBytes());
            }
        }
        if (total == 0 || used == 0) {
            throw CairnException.invalid("no utilization reported yet");
        }
        double average = (double) used / total;
        double overload = average * oload / 100.0;
        List<Change> changes = new ArrayList<>();
        List<Map.Entry<Integer, Double>> byDistance = new ArrayList<>(util.entrySet());
        byDistance.sort(Comparator.comparingDouble((Map.Entry<Integer, Double> e) -> -Math.abs(e.getValue() - average))
                .thenComparing(Map.Entry::getKey));
        for (Map.Entry<Integer, Double> e : byDistance) {
            if (changes.size() >= maxOsds) {
                break;
            }
            double weight = map.osd(e.getKey()).weight() / (double) OsdInfo.WEIGHT_IN;
            double u = e.getValue();
            double to;
            if (u >= overload) {
                to = Math.max(weight * average / u, weight - maxChange);
            } else if (!noIncreasing && u <= 2 * average - overload && weight < 1) {
                to = Math.min(1.0, Math.min(u == 0 ? 1.0 : weight * average / u, weight + maxChange));
            } else {
                continue;
            }
            to = Math.round(to * 10_000) / 10_000.0;
            if (to != weight) {
                changes.add(new Change(e.getKey(), weight, to, u));
            }
        }
        return new Plan(average, overload, changes);
    }

    /** The dry run's answer, as {@code test-reweight-by-utilization} prints it. */
    static CommandResult describe(Plan p) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "average_utilization %.4f%noverload_utilization %.4f%n", p.average(),
                p.overload()));
        if (p.changes().isEmpty()) {
            sb.append("no change\n");
        }
        for (Change c : p.changes()) {
            sb.append(String.format(Locale.ROOT, "osd.%d weight %.4f -> %.4f (utilization %.4f)%n", c.osd(), c.from(),
                    c.to(), c.utilization()));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("average_utilization", p.average());
        json.put("overload_utilization", p.overload());
        json.put("reweights", p.changes().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("osd", c.osd());
            m.put("weight", c.from());
            m.put("new_weight", c.to());
            m.put("utilization", c.utilization());
            return m;
        }).toList());
        json.put("weights", p.weights());
        return CommandResult.ok(json, sb.toString());
    }
}
