package io.cairn.mon;

import io.cairn.common.osdmap.ClusterFlag;
import io.cairn.common.osdmap.OsdInfo;
import io.cairn.common.osdmap.OsdMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Ceph's health checks that the monitors can judge from the maps and the quorum. */
final class HealthChecks {
    enum Severity { HEALTH_OK, HEALTH_WARN, HEALTH_ERR }

    record Check(String code, Severity severity, String summary, List<String> detail) { }

    private HealthChecks() {}

    /** The checks for the maps, the quorum and (null when unknown) the leader's PG stats. */
    static List<Check> compute(OsdMap map, QuorumView quorum, PgStatsTable.Summary stats) {
        return compute(map, quorum, stats, FsView.NONE);
    }

    /** As above, with the file systems' checks and those their MDS daemons report. */
    static List<Check> compute(OsdMap map, QuorumView quorum, PgStatsTable.Summary stats, FsView fs) {
        List<Check> checks = new ArrayList<>();
        List<String> down = quorum.outOfQuorum();
        if (!down.isEmpty()) {
            List<String> detail = new ArrayList<>();
            for (String name : down) {
                MonMap.Member m = quorum.monMap().member(name);
                detail.add("mon." + name + " (rank " + m.rank() + ") addr " + m.publicAddr() + " is down (out of quorum)");
            }
            checks.add(new Check("MON_DOWN", Severity.HEALTH_WARN,
                    down.size() + "/" + quorum.monMap().members().size() + " mons down, quorum "
                            + String.join(",", quorum.quorum()), detail));
        }
        if (map != null) {
            List<String> detail = new ArrayList<>();
            for (OsdInfo o : map.osds().values()) {
                if (o.exists() && !o.up() && o.upFrom() > 0) {
                    detail.add("osd." + o.id() + (o.host().isEmpty() ? "" : " (root=default,host=" + o.host() + ")")
                            + " is down");
                }
            }
            if (!detail.isEmpty()) {
                checks.add(new Check("OSD_DOWN", Severity.HEALTH_WARN, detail.size() + " osds down", detail));
            }
            List<String> flags = map.flagList().stream().map(ClusterFlag::cephName).toList();
            if (!flags.isEmpty()) {
                checks.add(new Check("OSDMAP_FLAGS", Severity.HEALTH_WARN, String.join(",", flags) + " flag(s) set",
                        List.of()));
            }
        }
        if (map != null) {
            TopologyHealth.checks(map, stats, checks);
        }
        if (stats != null) {
            pgChecks(stats, checks);
            scrubChecks(stats, checks);
            if (map != null) {
                SpaceHealth.checks(map, stats, checks);
            }
            slowOps(stats, checks);
        }
        FsHealth.checks(fs, checks);
        return checks;
    }

    /**
     * PG_DAMAGED and OSD_SCRUB_ERRORS for copies a scrub found bad (errors, as Ceph), OSD_TOO_MANY_REPAIRS
     * for drives whose copies keep being repaired, PG_NOT_(DEEP_)SCRUBBED for PGs overdue by the ratio.
     */
    private static void scrubChecks(PgStatsTable.Summary stats, List<Check> checks) {
        long errors = 0;
        int inconsistent = 0;
        int repairing = 0;
        List<String> damaged = new ArrayList<>();
        List<String> notScrubbed = new ArrayList<>();
        List<String> notDeep = new ArrayList<>();
        List<String> slowTrim = new ArrayList<>();
        PgStatsTable.Thresholds t = stats.thresholds();
        long scrubCutoff = stats.nowMs() - (long) (t.scrubMaxIntervalMs() * (1 + t.notScrubbedRatio()));
        long deepCutoff = stats.nowMs() - (long) (t.deepScrubIntervalMs() * (1 + t.notDeepScrubbedRatio()));
        for (var e : stats.pgs().entrySet()) {
            io.cairn.proto.v1.PgStat s = e.getValue();
            errors += s.getScrubErrors();
            boolean bad = has(s.getState(), "inconsistent");
            boolean repair = has(s.getState(), "repair");
            inconsistent += bad ? 1 : 0;
            repairing += repair ? 1 : 0;
            if ((bad || repair) && damaged.size() < PgStatsTable.NOT_CLEAN_LISTED_MAX) {
                damaged.add("pg " + e.getKey() + " is " + s.getState() + ", acting " + s.getActingList());
            }
            if (s.getLastScrubStampMs() > 0 && s.getLastScrubStampMs() < scrubCutoff) {
                notScrubbed.add("pg " + e.getKey() + " not scrubbed since " + stamp(s.getLastScrubStampMs()));
            }
            if (s.getLastDeepScrubStampMs() > 0 && s.getLastDeepScrubStampMs() < deepCutoff) {
                notDeep.add("pg " + e.getKey() + " not deep-scrubbed since " + stamp(s.getLastDeepScrubStampMs()));
            }
            if (s.getSnaptrimqLen() >= t.snapTrimQueueWarnOn()) {
                slowTrim.add("snap trim queue for pg " + e.getKey() + " at " + s.getSnaptrimqLen());
            }
        }
        if (!slowTrim.isEmpty()) {
            checks.add(new Check("PG_SLOW_SNAP_TRIMMING", Severity.HEALTH_WARN, "snap trim queue for " + slowTrim.size()
                    + " pg(s) >= " + t.snapTrimQueueWarnOn() + " (mon_osd_snap_trim_queue_warn_on)", slowTrim));
        }
        if (errors > 0) {
            checks.add(new Check("OSD_SCRUB_ERRORS", Severity.HEALTH_ERR, errors + " scrub errors", List.of()));
        }
        if (inconsistent > 0 || repairing > 0) {
            List<String> parts = new ArrayList<>();
            if (inconsistent > 0) {
                parts.add(pgs(inconsistent) + " inconsistent");
            }
            if (repairing > 0) {
                parts.add(pgs(repairing) + " repair");
            }
            checks.add(new Check("PG_DAMAGED", inconsistent > 0 ? Severity.HEALTH_ERR : Severity.HEALTH_WARN,
                    "Possible data damage: " + String.join(", ", parts), damaged));
        }
        List<String> repaired = new ArrayList<>();
        stats.shardsRepaired().forEach((osd, n) -> {
            if (n >= t.warnNumRepaired()) {
                repaired.add("osd." + osd + " had " + n + " reads repaired");
            }
        });
        if (!repaired.isEmpty()) {
            checks.add(new Check("OSD_TOO_MANY_REPAIRS", Severity.HEALTH_WARN,
                    "Too many repaired reads on " + repaired.size() + " OSDs", repaired));
        }
        if (!notScrubbed.isEmpty()) {
            checks.add(new Check("PG_NOT_SCRUBBED", Severity.HEALTH_WARN,
                    notScrubbed.size() + " pgs not scrubbed in time", notScrubbed));
        }
        if (!notDeep.isEmpty()) {
            checks.add(new Check("PG_NOT_DEEP_SCRUBBED", Severity.HEALTH_WARN,
                    notDeep.size() + " pgs not deep-scrubbed in time", notDeep));
        }
    }

    private static String stamp(long ms) {
        return java.time.Instant.ofEpochMilli(ms).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    /** OSDs whose repaired copies reached the warning threshold: the drives auto-out takes out. */
    static List<Integer> osdsWithTooManyRepairs(PgStatsTable.Summary stats) {
        return stats.shardsRepaired().entrySet().stream()
                .filter(e -> e.getValue() >= stats.thresholds().warnNumRepaired()).map(Map.Entry::getKey).toList();
    }

    /**
     * PG_AVAILABILITY for PGs that cannot serve I/O (not active: unknown, peering, or peered below
     * min_size) and PG_DEGRADED for PGs with fewer copies than the pool's size.
     */
    private static void pgChecks(PgStatsTable.Summary stats, List<Check> checks) {
        int inactive = 0;
        int down = 0;
        int incomplete = 0;
        int peering = 0;
        int stale = 0;
        int degraded = 0;
        int undersized = 0;
        for (Map.Entry<String, Integer> e : stats.pgStates().entrySet()) {
            String state = e.getKey();
            inactive += isInactive(state) ? e.getValue() : 0;
            down += has(state, "down") ? e.getValue() : 0;
            incomplete += has(state, "incomplete") ? e.getValue() : 0;
            peering += has(state, "peering") ? e.getValue() : 0;
            stale += has(state, "stale") ? e.getValue() : 0;
            degraded += has(state, "degraded") ? e.getValue() : 0;
            undersized += has(state, "undersized") ? e.getValue() : 0;
        }
        if (inactive > 0 || stale > 0) {
            List<String> parts = new ArrayList<>();
            int[] counts = {inactive, down, incomplete, peering, stale};
            String[] names = {"inactive", "down", "incomplete", "peering", "stale"};
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] > 0) {
                    parts.add(pgs(counts[i]) + " " + names[i]);
                }
            }
            // a stale PG's primary stopped reporting: it may well not be serving, whatever it said last
            List<String> detail = pgDetail(stats, state -> has(state, "stale"), "stale");
            detail.addAll(pgDetail(stats, state -> isInactive(state) && !has(state, "stale"), "inactive"));
            checks.add(new Check("PG_AVAILABILITY", Severity.HEALTH_WARN,
                    "Reduced data availability: " + String.join(", ", parts), detail));
        }
        int recoveryFull = 0;
        int backfillFull = 0;
        for (Map.Entry<String, Integer> e : stats.pgStates().entrySet()) {
            recoveryFull += has(e.getKey(), "recovery_toofull") ? e.getValue() : 0;
            backfillFull += has(e.getKey(), "backfill_toofull") ? e.getValue() : 0;
        }
        if (recoveryFull > 0) {
            checks.add(new Check("PG_RECOVERY_FULL", Severity.HEALTH_ERR, "Full OSDs blocking recovery: "
                    + pgs(recoveryFull) + " recovery_toofull",
                    pgDetail(stats, state -> has(state, "recovery_toofull"), "recovery_toofull")));
        }
        if (backfillFull > 0) {
            checks.add(new Check("PG_BACKFILL_FULL", Severity.HEALTH_WARN, "Low space hindering backfill (add storage if "
                    + "this doesn't resolve itself): " + pgs(backfillFull) + " backfill_toofull",
                    pgDetail(stats, state -> has(state, "backfill_toofull"), "backfill_toofull")));
        }
        long unfound = stats.recovery().unfoundObjects();
        if (unfound > 0) {
            List<String> detail = new ArrayList<>();
            stats.pgs().forEach((pg, s) -> {
                if (s.getUnfoundObjects() > 0) {
                    detail.add("pg " + pg + " has " + s.getUnfoundObjects() + " unfound objects");
                }
            });
            checks.add(new Check("OBJECT_UNFOUND", Severity.HEALTH_WARN, unfound + "/" + stats.objects()
                    + " objects unfound (" + PgStatsTable.Recovery.percent(unfound, stats.objects()) + ")", detail));
        }
        if (degraded > 0 || undersized > 0) {
            List<String> parts = new ArrayList<>();
            if (stats.recovery().degradedObjects() > 0) {
                parts.add(DataViews.degradedLine(stats.recovery()));
            }
            if (degraded > 0) {
                parts.add(pgs(degraded) + " degraded");
            }
            if (undersized > 0) {
                parts.add(pgs(undersized) + " undersized");
            }
            checks.add(new Check("PG_DEGRADED", Severity.HEALTH_WARN,
                    "Degraded data redundancy: " + String.join(", ", parts),
                    pgDetail(stats, state -> has(state, "degraded") || has(state, "undersized"), "degraded")));
        }
    }

    /** SLOW_OPS: client ops in flight past osd_op_complaint_time on each OSD, as the OSDs report them. */
    private static void slowOps(PgStatsTable.Summary stats, List<Check> checks) {
        long total = 0;
        long oldest = 0;
        List<String> osds = new ArrayList<>();
        for (var r : stats.osdReports().values()) {
            if (r.getSlowOps() > 0) {
                total += r.getSlowOps();
                oldest = Math.max(oldest, r.getOldestSlowOpSec());
                osds.add("osd." + r.getOsdId());
            }
        }
        if (total > 0) {
            checks.add(new Check("SLOW_OPS", Severity.HEALTH_WARN, total + " slow ops, oldest one blocked for " + oldest
                    + " sec, " + String.join(",", osds) + (osds.size() == 1 ? " has" : " have") + " slow ops",
                    List.of()));
        }
    }

    private static List<String> pgDetail(PgStatsTable.Summary stats, java.util.function.Predicate<String> which,
                                         String what) {
        List<String> detail = new ArrayList<>();
        stats.notCleanPgs().forEach((pg, state) -> {
            if (which.test(state)) {
                detail.add("pg " + pg + " is " + what + ", current state " + state);
            }
        });
        return detail;
    }

    /** Whether a PG state such as "active+undersized+degraded" includes the flag. */
    private static boolean has(String state, String flag) {
        return List.of(state.split("\\+")).contains(flag);
    }

    private static boolean isInactive(String state) {
        return !has(state, "active");
    }

    private static String pgs(int n) {
        return n + (n == 1 ? " pg" : " pgs");
    }

    /** The checks raised, and which of them an operator muted. */
    record Health(List<Check> checks, List<io.cairn.proto.v1.HealthMute> mutes) {
        boolean muted(Check c) {
            return mutes.stream().anyMatch(m -> m.getCode().equals(c.code()));
        }

        List<Check> unmuted() {
            return checks.stream().filter(c -> !muted(c)).toList();
        }
    }

    static Health judge(List<Check> checks, List<io.cairn.proto.v1.HealthMute> mutes) {
        return new Health(checks, mutes);
    }

    static Health unmuted(List<Check> checks) {
        return new Health(checks, List.of());
    }

    /** The worst severity among the checks not muted. */
    static Severity overall(Health h) {
        Severity s = Severity.HEALTH_OK;
        for (Check c : h.unmuted()) {
            if (c.severity().ordinal() > s.ordinal()) {
                s = c.severity();
            }
        }
        return s;
    }

    /**
     * {@code ceph health [detail]} text: the status and the summaries of the checks that count,
     * then the muted codes; with detail every check's lines, muted ones marked.
     */
    static String text(Health h, boolean detail) {
        StringBuilder sb = new StringBuilder(overall(h).name());
        List<Check> counted = h.unmuted();
        if (!counted.isEmpty()) {
            sb.append(' ').append(String.join("; ", counted.stream().map(Check::summary).toList()));
        }
        List<String> muted = h.checks().stream().filter(h::muted).map(Check::code).toList();
        if (!muted.isEmpty()) {
            sb.append(" (muted: ").append(String.join(" ", muted)).append(')');
        }
        sb.append('\n');
        if (!detail) {
            return sb.toString();
        }
        for (Check c : h.checks()) {
            sb.append("[").append(c.severity() == Severity.HEALTH_ERR ? "ERR" : "WRN").append("] ").append(c.code())
                    .append(": ").append(c.summary()).append(h.muted(c) ? " (MUTED)" : "").append('\n');
            for (String d : c.detail()) {
                sb.append("    ").append(d).append('\n');
            }
        }
        return sb.toString();
    }

    static Map<String, Object> json(Health h) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", overall(h).name());
        Map<String, Object> byCode = new LinkedHashMap<>();
        for (Check c : h.checks()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("severity", c.severity().name());
            m.put("summary", Map.of("message", c.summary(), "count", c.detail().size()));
            m.put("detail", c.detail().stream().map(d -> Map.of("message", d)).toList());
            m.put("muted", h.muted(c));
            byCode.put(c.code(), m);
        }
        out.put("checks", byCode);
        out.put("mutes", h.mutes().stream().map(m -> {
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("code", m.getCode());
            mm.put("sticky", m.getSticky());
            if (m.getUntilMs() > 0) {
                mm.put("ttl", java.time.Instant.ofEpochMilli(m.getUntilMs()).toString());
            }
            return mm;
        }).toList());
        return out;
    }
}
