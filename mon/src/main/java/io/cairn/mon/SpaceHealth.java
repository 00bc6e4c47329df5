package io.cairn.mon;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.Pool;
import io.cairn.crush.Bucket;
import io.cairn.crush.CrushMap;
import io.cairn.proto.v1.OsdStatsRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Ceph's space checks from the OSDs' reports: OSD_NEARFULL / OSD_BACKFILLFULL / OSD_FULL,
 * POOL_NEAR_FULL / POOL_FULL for pools placed on such OSDs, and CAPACITY_FAILURE_DOMAIN when the
 * raw space left after losing the largest host could not hold every copy of what is stored.
 */
final class SpaceHealth {
    /** The failure domain the capacity check assumes (the default rule's). */
    static final String FAILURE_DOMAIN = "host";

    private SpaceHealth() {}

    static void checks(OsdMap map, PgStatsTable.Summary s, List<HealthChecks.Check> out) {
        PgStatsTable.Thresholds t = s.thresholds();
        Set<Integer> full = new TreeSet<>();
        Set<Integer> backfillfull = new TreeSet<>();
        Set<Integer> nearfull = new TreeSet<>();
        for (OsdStatsRequest r : s.osdReports().values()) {
            if (r.getTotalBytes() <= 0 || !map.exists(r.getOsdId())) {
                continue;
            }
            double used = (double) r.getUsedBytes() / r.getTotalBytes();
            if (used >= t.fullRatio()) {
                full.add(r.getOsdId());
            } else if (used >= t.backfillfullRatio()) {
                backfillfull.add(r.getOsdId());
            } else if (used >= t.nearfullRatio()) {
                nearfull.add(r.getOsdId());
            }
        }
        osdLevel(full, "OSD_FULL", HealthChecks.Severity.HEALTH_ERR, "full", "full", out);
        osdLevel(backfillfull, "OSD_BACKFILLFULL", HealthChecks.Severity.HEALTH_WARN, "backfillfull", "backfill full", out);
        osdLevel(nearfull, "OSD_NEARFULL", HealthChecks.Severity.HEALTH_WARN, "nearfull", "near full", out);
        List<String> poolsFull = new ArrayList<>();
        List<String> poolsNear = new ArrayList<>();
        for (Pool p : map.pools().values()) {
            Set<Integer> osds = new HashSet<>();
            for (int seed = 0; seed < p.pgNum(); seed++) {
                osds.addAll(map.mapPg(new PgId(p.id(), seed)).up());
            }
            if (osds.stream().anyMatch(full::contains)) {
                poolsFull.add("pool '" + p.name() + "' is full (no space)");
            } else if (osds.stream().anyMatch(o -> nearfull.contains(o) || backfillfull.contains(o))) {
                poolsNear.add("pool '" + p.name() + "' is nearfull");
            }
        }
        if (!poolsFull.isEmpty()) {
            out.add(new HealthChecks.Check("POOL_FULL", HealthChecks.Severity.HEALTH_ERR,
                    poolsFull.size() + " pool(s) full", poolsFull));
        }
        if (!poolsNear.isEmpty()) {
            out.add(new HealthChecks.Check("POOL_NEAR_FULL", HealthChecks.Severity.HEALTH_WARN,
                    poolsNear.size() + " pool(s) nearfull", poolsNear));
        }
        failureDomainCapacity(map, s, out);
    }

    private static void osdLevel(Set<Integer> osds, String code, HealthChecks.Severity sev, String word, String detail,
                                 List<HealthChecks.Check> out) {
        if (!osds.isEmpty()) {
            out.add(new HealthChecks.Check(code, sev, osds.size() + " " + word + " osd(s)",
                    osds.stream().map(o -> "osd." + o + " is " + detail).toList()));
        }
    }

    /** Raw bytes every pool's copies need, against what the OSDs outside the largest host hold. */
    private static void failureDomainCapacity(OsdMap map, PgStatsTable.Summary s, List<HealthChecks.Check> out) {
        long needed = 0;
        for (Pool p : map.pools().values()) {
            long[] st = s.perPool().get(p.id());
            needed += st == null ? 0 : st[1] * p.size();
        }
        CrushMap crush = map.crush();
        Integer hostType = crush.typeId(FAILURE_DOMAIN);
        if (needed == 0 || hostType == null) {
            return;
        }
        long total = 0;
        int domainCount = 0;
        long largestBytes = 0;
        String largest = "";
        for (Bucket b : crush.buckets()) {
            if (b == null || b.typeId() != hostType || crush.isShadow(b.id())) {
                continue;
            }
            long bytes = 0;
            for (int osd : TopologyHealth.osdsUnder(crush, b.id())) {
                OsdStatsRequest r = s.osdReports().get(osd);
                if (r != null && map.exists(osd) && map.osd(osd).in()) {
                    bytes += r.getTotalBytes();
                }
            }
            if (bytes > 0) {
                domainCount++;
                total += bytes;
                if (bytes > largestBytes) {
                    largestBytes = bytes;
                    largest = crush.name(b.id());
                }
            }
        }
        if (domainCount < 2) {
            return;
        }
        long usable = (long) ((total - largestBytes) * s.thresholds().fullRatio());
        if (needed > usable) {
            out.add(new HealthChecks.Check("CAPACITY_FAILURE_DOMAIN", HealthChecks.Severity.HEALTH_WARN,
                    "Raw capacity cannot hold every copy if " + FAILURE_DOMAIN + " " + largest + " fails: "
                            + DataViews.bytes(needed) + " of copies, " + DataViews.bytes(usable) + " usable on the rest",
                    List.of(FAILURE_DOMAIN + " " + largest + " holds " + DataViews.bytes(largestBytes)
                            + " of " + DataViews.bytes(total) + " raw; the rest, up to the full ratio "
                            + s.thresholds().fullRatio() + ", holds " + DataViews.bytes(usable))));
        }
    }
}
