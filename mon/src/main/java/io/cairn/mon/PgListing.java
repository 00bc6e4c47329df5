package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.cli.TextTable;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Pool;
import io.cairn.proto.v1.PgStat;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code ceph pg ls [STATE...]}, {@code pg ls-by-pool POOL [STATE...]}, {@code pg ls-by-osd OSD
 * [STATE...]} and {@code pg dump [pgs|pgs_brief]}: one row per PG, Ceph's columns in Ceph's order
 * (those Cairn tracks), from the primaries' reports joined with the newest map.
 */
final class PgListing {
    private PgListing() {}

    /** Ceph's PG state names, as {@code pg ls} accepts them. */
    private static final Set<String> STATES = Set.of("stale", "creating", "active", "activating", "clean",
            "recovery_wait", "recovery_toofull", "recovering", "down", "undersized", "degraded", "remapped", "scrubbing",
            "deep", "inconsistent", "peering", "repair", "backfill_wait", "backfilling", "backfill_toofull",
            "incomplete", "peered", "snaptrim", "snaptrim_wait", "snaptrim_error", "unknown");

    static CommandResult ls(OsdMap map, PgStatsTable.Summary s, Predicate<PgId> which, List<String> states) {
        for (String st : states) {
            if (!STATES.contains(st)) {
                throw CairnException.invalid("unknown PG state '" + st + "'");
            }
        }
        Set<String> wanted = Set.copyOf(states);
        List<PgId> pgs = new ArrayList<>();
        s.stateOf().forEach((pg, state) -> {
            if (which.test(pg) && (wanted.isEmpty() || List.of(state.split("\\+")).stream().anyMatch(wanted::contains))) {
                pgs.add(pg);
            }
        });
        TextTable t = new TextTable();
        for (String c : new String[] {"PG", "OBJECTS", "DEGRADED", "MISPLACED", "UNFOUND", "BYTES", "LOG"}) {
            t.column(c, c.equals("PG") ? TextTable.Align.LEFT : TextTable.Align.RIGHT);
        }
        for (String c : new String[] {"STATE", "UP", "ACTING", "SCRUB_STAMP", "DEEP_SCRUB_STAMP"}) {
            t.column(c, TextTable.Align.LEFT);
        }
        List<Object> rows = new ArrayList<>();
        for (PgId pg : pgs) {
            PgStat st = s.pgs().getOrDefault(pg, PgStat.getDefaultInstance());
            PgMapping pm = map.mapPg(pg);
            String state = s.stateOf().get(pg);
            t.row(pg.toString(), n(st.getObjects()), n(st.getDegradedObjects()), n(st.getMisplacedObjects()),
                    n(st.getUnfoundObjects()), n(st.getBytes()), n(st.getLogSize()), state,
                    osds(pm.up(), pm.upPrimary()), osds(pm.acting(), pm.actingPrimary()),
                    stamp(st.getLastScrubStampMs()), stamp(st.getLastDeepScrubStampMs()));
            rows.add(json(pg, st, pm, state));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pg_ready", true);
        out.put("pg_stats", rows);
        return CommandResult.ok(out, pgs.isEmpty() ? "" : t.render());
    }

    /** {@code pg dump [all|summary|pgs|pgs_brief|osds|pools]} (default all). */
    static CommandResult dump(OsdMap map, PgStatsTable.Summary s, String what) {
        return switch (what) {
            case "pgs" -> ls(map, s, pg -> true, List.of());
            case "pgs_brief" -> brief(map, s);
            case "osds" -> osds(map, s);
            case "pools" -> pools(map, s);
            case "summary" -> DataViews.pgStat(map, s);
            case "all" -> {
                CommandResult pgs = ls(map, s, pg -> true, List.of());
                CommandResult pools = pools(map, s);
                CommandResult osds = osds(map, s);
                Map<String, Object> all = new LinkedHashMap<>();
                all.put("pg_stats", ((Map<?, ?>) pgs.json()).get("pg_stats"));
                all.put("pool_stats", ((Map<?, ?>) pools.json()).get("pool_stats"));
                all.put("osd_stats", ((Map<?, ?>) osds.json()).get("osd_stats"));
                yield CommandResult.ok(Map.of("pg_map", all), "version " + map.epoch() + "\n" + pgs.plain() + "\n"
                        + pools.plain() + "\n" + osds.plain());
            }
            default -> throw CairnException.invalid("pg dump: '" + what + "' is not one of all, summary, pgs, pgs_brief, "
                    + "osds, pools");
        };
    }

    private static CommandResult brief(OsdMap map, PgStatsTable.Summary s) {
        TextTable t = new TextTable().column("PG_STAT", TextTable.Align.LEFT).column("STATE", TextTable.Align.LEFT)
                .column("UP", TextTable.Align.LEFT).column("UP_PRIMARY", TextTable.Align.RIGHT)
                .column("ACTING", TextTable.Align.LEFT).column("ACTING_PRIMARY", TextTable.Align.RIGHT);
        List<Object> rows = new ArrayList<>();
        s.stateOf().forEach((pg, state) -> {
            PgMapping pm = map.mapPg(pg);
            t.row(pg.toString(), state, ids(pm.up()), Integer.toString(pm.upPrimary()), ids(pm.acting()),
                    Integer.toString(pm.actingPrimary()));
            rows.add(brief(pg, pm, state));
        });
        return CommandResult.ok(Map.of("pg_stats", rows), t.render());
    }

    private static CommandResult osds(OsdMap map, PgStatsTable.Summary s) {
        TextTable t = new TextTable();
        for (String c : new String[] {"OSD_STAT", "USED", "AVAIL", "USED_RAW", "TOTAL", "PG_SUM", "PRIMARY_PG_SUM"}) {
            t.column(c, c.equals("OSD_STAT") ? TextTable.Align.LEFT : TextTable.Align.RIGHT);
        }
        Map<Integer, int[]> pgSums = new java.util.TreeMap<>();
        for (PgId pg : s.stateOf().keySet()) {
            PgMapping pm = map.mapPg(pg);
            pm.acting().forEach(o -> pgSums.computeIfAbsent(o, k -> new int[2])[0]++);
            if (pm.actingPrimary() >= 0) {
                pgSums.computeIfAbsent(pm.actingPrimary(), k -> new int[2])[1]++;
            }
        }
        List<Object> rows = new ArrayList<>();
        for (var r : s.osdReports().values()) {
            int[] sums = pgSums.getOrDefault(r.getOsdId(), new int[2]);
            t.row(Integer.toString(r.getOsdId()), DataViews.bytes(r.getUsedBytes()), DataViews.bytes(r.getAvailBytes()),
                    DataViews.bytes(r.getUsedBytes()), DataViews.bytes(r.getTotalBytes()), Integer.toString(sums[0]),
                    Integer.toString(sums[1]));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("osd", r.getOsdId());
            m.put("num_pgs", sums[0]);
            m.put("num_primary_pgs", sums[1]);
            m.put("kb", r.getTotalBytes() / 1024);
            m.put("kb_used", r.getUsedBytes() / 1024);
            m.put("kb_avail", r.getAvailBytes() / 1024);
            m.put("num_shards_repaired", r.getNumShardsRepaired());
            m.put("num_slow_ops", r.getSlowOps());
            rows.add(m);
        }
        return CommandResult.ok(Map.of("osd_stats", rows), t.render());
    }

    private static CommandResult pools(OsdMap map, PgStatsTable.Summary s) {
        TextTable t = new TextTable();
        for (String c : new String[] {"POOLID", "OBJECTS", "DEGRADED", "MISPLACED", "UNFOUND", "BYTES", "LOG"}) {
            t.column(c, TextTable.Align.RIGHT);
        }
        List<Object> rows = new ArrayList<>();
        for (Pool p : map.pools().values()) {
            long[] sum = new long[6];
            s.pgs().forEach((pg, st) -> {
                if (pg.pool() == p.id()) {
                    sum[0] += st.getObjects();
                    sum[1] += st.getDegradedObjects();
                    sum[2] += st.getMisplacedObjects();
                    sum[3] += st.getUnfoundObjects();
                    sum[4] += st.getBytes();
                    sum[5] += st.getLogSize();
                }
            });
            t.row(Long.toString(p.id()), n(sum[0]), n(sum[1]), n(sum[2]), n(sum[3]), n(sum[4]), n(sum[5]));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("poolid", p.id());
            m.put("num_pg", p.pgNum());
            m.put("stat_sum", Map.of("num_objects", sum[0], "num_objects_degraded", sum[1], "num_objects_misplaced",
                    sum[2], "num_objects_unfound", sum[3], "num_bytes", sum[4]));
            m.put("log_size", sum[5]);
            rows.add(m);
        }
        return CommandResult.ok(Map.of("pool_stats", rows), t.render());
    }

    /** {@code pg ls-by-pool}: the pool by name (or id). */
    static Predicate<PgId> inPool(OsdMap map, String pool) {
        Pool p = map.pool(pool);
        if (p == null) {
            throw CairnException.notFound("pool '" + pool + "' does not exist");
        }
        return pg -> pg.pool() == p.id();
    }

    /** {@code pg ls-by-osd}: PGs whose up or acting set holds the OSD (osd.N or N). */
    static Predicate<PgId> onOsd(OsdMap map, String osd) {
        int id;
        try {
            id = Integer.parseInt(osd.startsWith("osd.") ? osd.substring(4) : osd);
        } catch (NumberFormatException e) {
            throw CairnException.invalid("bad osd id '" + osd + "'");
        }
        if (!map.exists(id)) {
            throw CairnException.notFound("osd." + id + " does not exist");
        }
        return pg -> map.mapPg(pg).up().contains(id) || map.mapPg(pg).acting().contains(id);
    }

    private static Map<String, Object> json(PgId pg, PgStat st, PgMapping pm, String state) {
        Map<String, Object> m = brief(pg, pm, state);
        m.put("reported_epoch", st.getEpoch());
        m.put("last_scrub_stamp", stamp(st.getLastScrubStampMs()));
        m.put("last_deep_scrub_stamp", stamp(st.getLastDeepScrubStampMs()));
        m.put("log_size", st.getLogSize());
        m.put("snaptrimq_len", st.getSnaptrimqLen());
        Map<String, Object> sum = new LinkedHashMap<>();
        sum.put("num_bytes", st.getBytes());
        sum.put("num_objects", st.getObjects());
        sum.put("num_objects_degraded", st.getDegradedObjects());
        sum.put("num_objects_misplaced", st.getMisplacedObjects());
        sum.put("num_objects_unfound", st.getUnfoundObjects());
        sum.put("num_scrub_errors", st.getScrubErrors());
        m.put("stat_sum", sum);
        return m;
    }

    /** The PG, its state and its sets, as {@code pg dump pgs_brief} gives each PG. */
    private static Map<String, Object> brief(PgId pg, PgMapping pm, String state) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pgid", pg.toString());
        m.put("state", state);
        m.put("up", pm.up());
        m.put("up_primary", pm.upPrimary());
        m.put("acting", pm.acting());
        m.put("acting_primary", pm.actingPrimary());
        return m;
    }

    private static String n(long v) {
        return Long.toString(v);
    }

    private static String osds(List<Integer> ids, int primary) {
        return ids(ids) + "p" + primary;
    }

    /** As Ceph prints an OSD set: {@code [1,0,2]}. */
    private static String ids(List<Integer> ids) {
        return "[" + String.join(",", ids.stream().map(String::valueOf).toList()) + "]";
    }

    private static String stamp(long ms) {
        return ms <= 0 ? "-" : Instant.ofEpochMilli(ms).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
