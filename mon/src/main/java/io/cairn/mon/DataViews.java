package io.cairn.mon;

import io.cairn.common.cli.TextTable;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.Pool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code df} and {@code pg stat}: space and PG states from the OSDs' reports. */
final class DataViews {
    private DataViews() {}

    /** Bytes as Ceph prints them: "0 B", "512 KiB", "1.2 MiB", "45 GiB". */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v < 10 ? String.format(Locale.ROOT, "%.1f", v) : Long.toString(Math.round(v))) + " " + units[u];
    }

    /** pg stat's tail: "; 12/600 objects degraded (2.000%); 1.2 MiB/s, 3 objects/s recovering". */
    static String recoverySuffix(PgStatsTable.Recovery r) {
        StringBuilder sb = new StringBuilder();
        if (r.degradedObjects() > 0) {
            sb.append("; ").append(degradedLine(r));
        }
        if (r.misplacedObjects() > 0) {
            sb.append("; ").append(misplacedLine(r));
        }
        if (r.unfoundObjects() > 0) {
            sb.append("; ").append(r.unfoundObjects()).append(" objects unfound");
        }
        if (r.objectsPerSec() > 0) {
            sb.append("; ").append(recoveryRate(r)).append(" recovering");
        }
        return sb.toString();
    }

    static String degradedLine(PgStatsTable.Recovery r) {
        return r.degradedObjects() + "/" + r.objectCopies() + " objects degraded ("
                + PgStatsTable.Recovery.percent(r.degradedObjects(), r.objectCopies()) + ")";
    }

    static String misplacedLine(PgStatsTable.Recovery r) {
        return r.misplacedObjects() + "/" + r.objectCopies() + " objects misplaced ("
                + PgStatsTable.Recovery.percent(r.misplacedObjects(), r.objectCopies()) + ")";
    }

    static String recoveryRate(PgStatsTable.Recovery r) {
        return bytes((long) r.bytesPerSec()) + "/s, " + Math.round(r.objectsPerSec()) + " objects/s";
    }

    static CommandResult pgStat(OsdMap map, PgStatsTable.Summary s) {
        int pgs = map.pools().values().stream().mapToInt(Pool::pgNum).sum();
        StringBuilder states = new StringBuilder();
        for (Map.Entry<String, Integer> e : s.pgStates().entrySet()) {
            states.append(states.isEmpty() ? "" : ", ").append(e.getValue()).append(' ').append(e.getKey());
        }
        String plain = pgs + " pgs: " + states + "; " + bytes(s.storedBytes()) + " data, " + bytes(s.usedBytes())
                + " used, " + bytes(s.availBytes()) + " / " + bytes(s.totalBytes()) + " avail" + recoverySuffix(s.recovery())
                + "\n";
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pg_summary", Map.of("num_pg_by_state", s.pgStates().entrySet().stream()
                .map(e -> Map.of("name", e.getKey(), "num", e.getValue())).toList(), "num_pgs", pgs,
                "num_bytes", s.storedBytes(), "raw_bytes_used", s.usedBytes(), "raw_bytes_avail", s.availBytes(),
                "raw_bytes", s.totalBytes()));
        return CommandResult.ok(json, plain);
    }

    static CommandResult df(OsdMap map, PgStatsTable.Summary s, boolean detail) {
        TextTable raw = new TextTable().column("CLASS", TextTable.Align.LEFT).column("SIZE", TextTable.Align.RIGHT)
                .column("AVAIL", TextTable.Align.RIGHT).column("USED", TextTable.Align.RIGHT)
                .column("RAW USED", TextTable.Align.RIGHT).column("%RAW USED", TextTable.Align.RIGHT);
        String pct = s.totalBytes() == 0 ? "0" : String.format(Locale.ROOT, "%.2f", 100.0 * s.usedBytes() / s.totalBytes());
        raw.row("TOTAL", bytes(s.totalBytes()), bytes(s.availBytes()), bytes(s.usedBytes()), bytes(s.usedBytes()), pct);
        TextTable pools = new TextTable().column("POOL", TextTable.Align.LEFT).column("ID", TextTable.Align.RIGHT)
                .column("PGS", TextTable.Align.RIGHT).column("STORED", TextTable.Align.RIGHT)
                .column("OBJECTS", TextTable.Align.RIGHT).column("USED", TextTable.Align.RIGHT)
                .column("%USED", TextTable.Align.RIGHT).column("MAX AVAIL", TextTable.Align.RIGHT);
        List<Object> poolJson = new java.util.ArrayList<>();
        for (Pool p : map.pools().values()) {
            long[] st = s.perPool().getOrDefault(p.id(), new long[2]);
            long used = st[1] * p.size();
            long maxAvail = s.availBytes() / Math.max(1, p.size());
            double pctUsed = used + maxAvail == 0 ? 0 : 100.0 * used / (used + maxAvail * p.size());
            pools.row(p.name(), Long.toString(p.id()), Integer.toString(p.pgNum()), bytes(st[1]), Long.toString(st[0]),
                    bytes(used), String.format(Locale.ROOT, "%.2f", pctUsed), bytes(maxAvail));
            Map<String, Object> pj = new LinkedHashMap<>();
            pj.put("name", p.name());
            pj.put("id", p.id());
            pj.put("stats", Map.of("stored", st[1], "objects", st[0], "bytes_used", used, "max_avail", maxAvail));
            poolJson.add(pj);
        }
        String plain = "--- RAW STORAGE ---\n" + raw.render() + "\n--- POOLS ---\n" + pools.render();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("stats", Map.of("total_bytes", s.totalBytes(), "total_avail_bytes", s.availBytes(),
                "total_used_raw_bytes", s.usedBytes()));
        json.put("pools", poolJson);
        return CommandResult.ok(json, plain);
    }
}
