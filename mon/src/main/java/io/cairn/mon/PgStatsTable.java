package io.cairn.mon;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.SnapIntervals;
import io.cairn.common.osdmap.Pool;
import io.cairn.proto.v1.OsdStatsRequest;
import io.cairn.proto.v1.PgStat;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The leader's picture of the data (Ceph's PGMap): the newest report of every OSD — its space
 * and the PGs it leads. Soft state, rebuilt from reports within one report interval after a
 * leader change; a PG no current primary reported is "unknown", or, when the OSD that last
 * reported it is down (or no OSD of it is up), its last state marked "stale" as Ceph does.
 * Thread-safe.
 */
final class PgStatsTable {
    /** Space and PG totals as status, df and pg stat show them. */
    record Summary(Map<String, Integer> pgStates, long objects, long storedBytes, long totalBytes, long usedBytes,
                   long availBytes, Map<Long, long[]> perPool, Map<PgId, String> notCleanPgs, Recovery recovery,
                   Map<PgId, PgStat> pgs, Map<Integer, Long> shardsRepaired, Thresholds thresholds, long nowMs,
                   Map<PgId, String> stateOf, Map<Integer, OsdStatsRequest> osdReports, Map<PgId, PgStat> lastKnown,
                   ClientIo clientIo) { }

    /** Client I/O the primaries served, per second, between each OSD's last two reports. */
    record ClientIo(double readOpsPerSec, double writeOpsPerSec, double readBytesPerSec, double writeBytesPerSec) {
        boolean any() {
            return readOpsPerSec > 0 || writeOpsPerSec > 0;
        }
    }

    /** The monitors' health thresholds that judge the reports (Ceph's mon_warn_* options). */
    record Thresholds(long warnNumRepaired, long scrubMaxIntervalMs, long deepScrubIntervalMs,
                      double notScrubbedRatio, double notDeepScrubbedRatio, double nearfullRatio,
                      double backfillfullRatio, double fullRatio, long snapTrimQueueWarnOn) {
        static final Thresholds DEFAULTS = new Thresholds(10, 7 * 86_400_000L, 7 * 86_400_000L, 0.5, 0.75, 0.85, 0.90,
                0.95, 32_768);
    }

    /**
     * Object copies the cluster lacks out of all it should hold, and how fast recovery copies
     * them (between each OSD's last two reports).
     */
    record Recovery(long degradedObjects, long misplacedObjects, long unfoundObjects, long objectCopies,
                    double objectsPerSec, double bytesPerSec) {
        static String percent(long part, long whole) {
            return String.format(java.util.Locale.ROOT, "%.3f%%", whole == 0 ? 0.0 : 100.0 * part / whole);
        }
    }

    /** Ceph's mon_health_max_detail: health detail names at most this many PGs. */
    static final int NOT_CLEAN_LISTED_MAX = 50;

    private final Map<Integer, OsdStatsRequest> reports = new HashMap<>();
    private final Map<Integer, OsdStatsRequest> previous = new HashMap<>();
    /** Per PG, the OSD that reported it last and the state it gave (bounded by the PGs that exist). */
    private final Map<PgId, Integer> lastReporter = new HashMap<>();
    private final Map<PgId, String> lastState = new HashMap<>();
    /** Each PG's newest report from whichever OSD led it, kept when that OSD goes down. */
    private final Map<PgId, PgStat> lastStat = new HashMap<>();
    private final java.util.function.Supplier<Thresholds> thresholds;
    private final java.util.function.LongSupplier wallMs;

    PgStatsTable() {
        this(Thresholds.DEFAULTS, System::currentTimeMillis);
    }

    PgStatsTable(Thresholds thresholds, java.util.function.LongSupplier wallMs) {
        this(() -> thresholds, wallMs);
    }

    /** {@code thresholds} is asked on every summary, so options changed at runtime apply at once. */
    PgStatsTable(java.util.function.Supplier<Thresholds> thresholds, java.util.function.LongSupplier wallMs) {
        this.thresholds = thresholds;
        this.wallMs = wallMs;
    }

    synchronized void report(OsdStatsRequest r) {
        OsdStatsRequest before = reports.put(r.getOsdId(), r);
        if (before != null) {
            previous.put(r.getOsdId(), before);
        }
        for (PgStat s : r.getPgsList()) {
            PgId pg = new PgId(s.getPool(), s.getSeed());
            lastReporter.put(pg, r.getOsdId());
            lastState.put(pg, s.getState());
            lastStat.put(pg, s);
        }
    }

    private Map<Integer, OsdStatsRequest> currentReports(OsdMap map) {
        Map<Integer, OsdStatsRequest> out = new TreeMap<>();
        reports.forEach((osd, r) -> {
            if (map.exists(osd)) {
                out.put(osd, r);
            }
        });
        return out;
    }

    /** No current report: stale (with its last state) if its last reporter, or every OSD of it, is down. */
    private String unreported(OsdMap map, PgId pg) {
        String last = lastState.get(pg);
        Integer reporter = lastReporter.get(pg);
        if (last == null || reporter == null) {
            return "unknown";
        }
        if (!map.isUp(reporter) || map.mapPg(pg).actingPrimary() < 0) {
            return last.startsWith("stale+") ? last : "stale+" + last;
        }
        return "unknown";
    }

    /**
     * The snaps of the pool's removed queue that every one of its PGs last reported trimmed (none
     * while a PG has not reported).
     */
    synchronized SnapIntervals purgedByEveryPg(Pool pool) {
        SnapIntervals common = pool.removedSnapsQueue();
        for (int seed = 0; seed < pool.pgNum() && !common.isEmpty(); seed++) {
            PgStat s = lastStat.get(new PgId(pool.id(), seed));
            if (s == null) {
                return SnapIntervals.EMPTY;
            }
            SnapIntervals mine = SnapIntervals.EMPTY;
            for (long id : s.getPurgedSnapsList()) {
                mine = mine.with(id);
            }
            common = common.intersect(mine);
        }
        return common;
    }

    /** Joins the reports with the map: a PG counts only as reported by its current acting primary. */
    synchronized Summary summarize(OsdMap map) {
        Map<PgId, PgStat> byPg = new HashMap<>();
        for (OsdStatsRequest r : reports.values()) {
            if (!map.isUp(r.getOsdId())) {
                continue;
            }
            for (PgStat s : r.getPgsList()) {
                PgId pg = new PgId(s.getPool(), s.getSeed());
                if (map.pool(pg.pool()) != null && s.getSeed() < map.pool(pg.pool()).pgNum()
                        && map.mapPg(pg).actingPrimary() == r.getOsdId()) {
                    byPg.put(pg, s);
                }
            }
        }
        lastReporter.keySet().removeIf(pg -> map.pool(pg.pool()) == null || pg.seed() >= map.pool(pg.pool()).pgNum());
        lastState.keySet().retainAll(lastReporter.keySet());
        lastStat.keySet().retainAll(lastReporter.keySet());
        Map<String, Integer> states = new TreeMap<>();
        Map<Long, long[]> perPool = new TreeMap<>();
        Map<PgId, String> notClean = new TreeMap<>();
        Map<PgId, String> stateOf = new TreeMap<>();
        long objects = 0;
        long stored = 0;
        long degraded = 0;
        long misplaced = 0;
        long unfound = 0;
        long copies = 0;
        for (Pool p : map.pools().values()) {
            long[] pool = perPool.computeIfAbsent(p.id(), k -> new long[2]);
            for (int seed = 0; seed < p.pgNum(); seed++) {
                PgId pg = new PgId(p.id(), seed);
                PgStat s = byPg.get(pg);
                String state = s == null ? unreported(map, pg) : s.getState();
                states.merge(state, 1, Integer::sum);
                stateOf.put(pg, state);
                if (!state.equals("active+clean") && notClean.size() < NOT_CLEAN_LISTED_MAX) {
                    notClean.put(pg, state);
                }
                if (s != null) {
                    degraded += s.getDegradedObjects();
                    misplaced += s.getMisplacedObjects();
                    unfound += s.getUnfoundObjects();
                    copies += s.getObjects() * p.size();
                    pool[0] += s.getObjects();
                    pool[1] += s.getBytes();
                    objects += s.getObjects();
                    stored += s.getBytes();
                }
            }
        }
        long total = 0;
        long used = 0;
        long avail = 0;
        for (OsdStatsRequest r : reports.values()) {
            if (map.exists(r.getOsdId())) {
                total += r.getTotalBytes();
                used += r.getUsedBytes();
                avail += r.getAvailBytes();
            }
        }
        Map<Integer, Long> repaired = new TreeMap<>();
        for (OsdStatsRequest r : reports.values()) {
            if (map.exists(r.getOsdId()) && r.getNumShardsRepaired() > 0) {
                repaired.put(r.getOsdId(), r.getNumShardsRepaired());
            }
        }
        double objectsPerSec = 0;
        double bytesPerSec = 0;
        double[] io = new double[4];
        for (OsdStatsRequest r : reports.values()) {
            OsdStatsRequest before = previous.get(r.getOsdId());
            long dtMs = before == null ? 0 : r.getStampMs() - before.getStampMs();
            // a restarted OSD counts from zero again: no rate from that pair
            if (map.isUp(r.getOsdId()) && dtMs > 0 && r.getRecoveredObjects() >= before.getRecoveredObjects()) {
                objectsPerSec += (r.getRecoveredObjects() - before.getRecoveredObjects()) * 1000.0 / dtMs;
                bytesPerSec += (r.getRecoveredBytes() - before.getRecoveredBytes()) * 1000.0 / dtMs;
                io[0] += Math.max(0, r.getClientReadOps() - before.getClientReadOps()) * 1000.0 / dtMs;
                io[1] += Math.max(0, r.getClientWriteOps() - before.getClientWriteOps()) * 1000.0 / dtMs;
                io[2] += Math.max(0, r.getClientReadBytes() - before.getClientReadBytes()) * 1000.0 / dtMs;
                io[3] += Math.max(0, r.getClientWriteBytes() - before.getClientWriteBytes()) * 1000.0 / dtMs;
            }
        }
        return new Summary(states, objects, stored, total, used, avail, perPool, notClean,
                new Recovery(degraded, misplaced, unfound, copies, objectsPerSec, bytesPerSec), new TreeMap<>(byPg),
                repaired, thresholds.get(), wallMs.getAsLong(), stateOf, currentReports(map), new TreeMap<>(lastStat),
                new ClientIo(io[0], io[1], io[2], io[3]));
    }
}
