package io.cairn.mon;

import io.cairn.common.cli.CrushTreeFormat;
import io.cairn.common.cli.TextTable;
import io.cairn.common.osdmap.OsdInfo;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.Pool;
import io.cairn.crush.CrushTree;
import io.cairn.proto.v1.OsdStatsRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ceph osd df [tree]}: each OSD's space as it last reported it, its share of PGs, and
 * its variance from the mean utilization. Cairn's stores do not split omap and metadata from
 * data, so those two Ceph columns are left out rather than shown as zero.
 */
final class OsdDf {
    private OsdDf() {}

    private record Usage(long total, long used, long avail) {
        double percent() {
            return total == 0 ? 0 : 100.0 * used / total;
        }
    }

    static CommandResult run(OsdMap map, PgStatsTable.Summary s, boolean tree) {
        Map<Integer, Usage> usage = new HashMap<>();
        for (OsdStatsRequest r : s.osdReports().values()) {
            usage.put(r.getOsdId(), new Usage(r.getTotalBytes(), r.getUsedBytes(), r.getAvailBytes()));
        }
        Map<Integer, Integer> pgs = new HashMap<>();
        for (Pool p : map.pools().values()) {
            for (int seed = 0; seed < p.pgNum(); seed++) {
                map.mapPg(new PgId(p.id(), seed)).acting().forEach(o -> pgs.merge(o, 1, Integer::sum));
            }
        }
        long total = 0;
        long used = 0;
        long avail = 0;
        for (Usage u : usage.values()) {
            total += u.total();
            used += u.used();
            avail += u.avail();
        }
        double average = total == 0 ? 0 : 100.0 * used / total;
        List<CrushTree.Row> rows = CrushTree.rows(map.crush(), false);
        TextTable t = new TextTable().column("ID", TextTable.Align.RIGHT).column("CLASS", TextTable.Align.RIGHT)
                .column("WEIGHT", TextTable.Align.RIGHT).column("REWEIGHT", TextTable.Align.RIGHT)
                .column("SIZE", TextTable.Align.RIGHT).column("RAW USE", TextTable.Align.RIGHT)
                .column("DATA", TextTable.Align.RIGHT).column("AVAIL", TextTable.Align.RIGHT)
                .column("%USE", TextTable.Align.RIGHT).column("VAR", TextTable.Align.RIGHT)
                .column("PGS", TextTable.Align.RIGHT).column("STATUS", TextTable.Align.RIGHT);
        if (tree) {
            t.column("TYPE NAME", TextTable.Align.LEFT);
        }
        List<Object> nodes = new ArrayList<>();
        double minVar = Double.MAX_VALUE;
        double maxVar = 0;
        double sumSq = 0;
        int counted = 0;
        for (CrushTree.Row r : rows) {
            boolean device = r.id() >= 0;
            if (!tree && !device) {
                continue;
            }
            Usage u = device ? usage.getOrDefault(r.id(), new Usage(0, 0, 0)) : under(map, r.id(), usage);
            double var = average == 0 ? 0 : u.percent() / average;
            OsdInfo o = device ? map.osd(r.id()) : null;
            String reweight = device ? String.format(Locale.ROOT, "%.5f", o == null ? 0 : o.weight() / (double) OsdInfo.WEIGHT_IN)
                    : "-";
            String status = device ? (o == null || !o.exists() ? "DNE" : o.up() ? "up" : o.destroyed() ? "destroyed"
                    : "down") : "";
            List<String> cells = new ArrayList<>(List.of(Integer.toString(r.id()),
                    r.deviceClass() == null ? "" : r.deviceClass(), CrushTreeFormat.weight(r.weight()), reweight,
                    DataViews.bytes(u.total()), DataViews.bytes(u.used()), DataViews.bytes(u.used()),
                    DataViews.bytes(u.avail()), pct(u.percent()), pct(var),
                    device ? Integer.toString(pgs.getOrDefault(r.id(), 0)) : "-", status));
            if (tree) {
                cells.add("    ".repeat(r.depth()) + (device ? r.name() : r.typeName() + " " + r.name()));
            }
            t.row(cells.toArray(String[]::new));
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("id", r.id());
            n.put("device_class", r.deviceClass() == null ? "" : r.deviceClass());
            n.put("name", r.name());
            n.put("type", r.typeName());
            n.put("type_id", r.typeId());
            n.put("crush_weight", (double) ((float) r.weight() / (float) 0x10000));
            n.put("depth", r.depth());
            if (device) {
                n.put("reweight", o == null ? 0 : o.weight() / (double) OsdInfo.WEIGHT_IN);
            }
            n.put("kb", u.total() / 1024);
            n.put("kb_used", u.used() / 1024);
            n.put("kb_used_data", u.used() / 1024);
            n.put("kb_avail", u.avail() / 1024);
            n.put("utilization", u.percent());
            n.put("var", var);
            if (device) {
                n.put("pgs", pgs.getOrDefault(r.id(), 0));
                n.put("status", status);
                if (u.total() > 0) {
                    minVar = Math.min(minVar, var);
                    maxVar = Math.max(maxVar, var);
                    sumSq += (u.percent() - average) * (u.percent() - average);
                    counted++;
                }
            } else {
                n.put("children", r.children());
            }
            nodes.add(n);
        }
        double stddev = counted == 0 ? 0 : Math.sqrt(sumSq / counted);
        List<String> totalRow = new ArrayList<>(List.of("", "", "", "TOTAL", DataViews.bytes(total), DataViews.bytes(used),
                DataViews.bytes(used), DataViews.bytes(avail), pct(average), "", "", ""));
        if (tree) {
            totalRow.add("");
        }
        t.row(totalRow.toArray(String[]::new));
        String plain = t.render() + String.format(Locale.ROOT, "MIN/MAX VAR: %s/%s  STDDEV: %.2f%n",
                pct(counted == 0 ? 0 : minVar), pct(maxVar), stddev);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("total_kb", total / 1024);
        summary.put("total_kb_used", used / 1024);
        summary.put("total_kb_used_data", used / 1024);
        summary.put("total_kb_avail", avail / 1024);
        summary.put("average_utilization", average);
        summary.put("min_var", counted == 0 ? 0 : minVar);
        summary.put("max_var", maxVar);
        summary.put("dev", stddev);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("nodes", nodes);
        json.put("stray", List.of());
        json.put("summary", summary);
        return CommandResult.ok(json, plain);
    }

    /** A bucket's space: the sum of the OSDs under it. */
    private static Usage under(OsdMap map, int bucket, Map<Integer, Usage> usage) {
        long total = 0;
        long used = 0;
        long avail = 0;
        for (int osd : TopologyHealth.osdsUnder(map.crush(), bucket)) {
            Usage u = usage.get(osd);
            if (u != null) {
                total += u.total();
                used += u.used();
                avail += u.avail();
            }
        }
        return new Usage(total, used, avail);
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
