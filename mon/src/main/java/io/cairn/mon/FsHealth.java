package io.cairn.mon;

import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.MdsDaemonInfo;
import io.cairn.proto.v1.MdsHealthMetric;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Ceph's file-system health checks (FSMap and MDSMap get_health_checks), with their codes,
 * severities and texts, and the checks rank holders raise about themselves in their beacons
 * (MDS_TRIM, MDS_SLOW_REQUEST...), relayed with Ceph's summaries.
 */
final class FsHealth {
    /** A daemon may raise only MDS_ codes: it must not be able to pose as another part of the cluster. */
    private static final Pattern RELAYED_CODE = Pattern.compile("MDS_[A-Z0-9_]{1,60}");
    /** Ceph's summaries of the checks an MDS raises (mds_metric_summary). */
    private static final Map<String, String> RELAYED_SUMMARIES = Map.of(
            "MDS_TRIM", "%d MDSs behind on trimming",
            "MDS_SLOW_REQUEST", "%d MDSs report slow requests",
            "MDS_SLOW_METADATA_IO", "%d MDSs report slow metadata IOs",
            "MDS_CACHE_OVERSIZED", "%d MDSs report oversized cache",
            "MDS_READ_ONLY", "%d MDSs are read only",
            "MDS_CLIENT_LATE_RELEASE", "%d clients failing to respond to capability release",
            "MDS_CLIENT_RECALL", "%d clients failing to respond to cache pressure");

    private FsHealth() {}

    static void checks(FsView view, List<HealthChecks.Check> out) {
        FsMap map = view.map();
        List<String> stuckFailed = new ArrayList<>();
        List<String> damaged = new ArrayList<>();
        List<String> degraded = new ArrayList<>();
        List<String> fewer = new ArrayList<>();
        List<String> offline = new ArrayList<>();
        int degradedFs = 0;
        int wantedMore = 0;
        int standbys = map.standbys().size();
        for (Filesystem f : map.filesystems()) {
            String fs = "fs " + f.getName();
            // a failed rank a standby could take is passing; only one nobody can take is reported
            if (f.getFailedCount() > 0 && standbys == 0) {
                stuckFailed.add(fs + " has " + f.getFailedCount() + " failed mds" + (f.getFailedCount() > 1 ? "s" : ""));
            }
            for (int rank : f.getDamagedList()) {
                damaged.add(fs + " mds." + rank + " is damaged");
            }
            List<String> recovering = new ArrayList<>();
            for (MdsDaemonInfo d : map.holders(f)) {
                String what = switch (MdsState.of(d)) {
                    case REPLAY -> "is replaying journal";
                    case RECONNECT -> "is reconnecting to clients";
                    case REJOIN -> "is rejoining";
                    default -> null;
                };
                if (what != null) {
                    recovering.add(fs + " mds." + d.getName() + " at " + d.getAddr() + " rank " + d.getRank() + " " + what);
                }
            }
            if (f.getFailedCount() > 0 || f.getDamagedCount() > 0 || !recovering.isEmpty()) {
                degradedFs++;
                degraded.add(fs + " is degraded");
                degraded.addAll(recovering);
            }
            int in = FsMap.inRanks(f).size();
            if (in < f.getMaxMds()) {
                fewer.add(fs + " has " + in + " MDS online, but wants " + f.getMaxMds());
            }
            if (f.getUpCount() == 0 && f.getMaxMds() > 0) {
                offline.add(fs + " is offline because no MDS is active for it.");
            }
            int wanted = f.getStandbyCountWantedUnset() ? 0 : f.getStandbyCountWanted();
            wantedMore = Math.max(wantedMore, wanted - standbys);
        }
        add(out, "FS_WITH_FAILED_MDS", HealthChecks.Severity.HEALTH_WARN,
                filesystems(stuckFailed.size(), "has", "have") + " a failed mds daemon", stuckFailed);
        add(out, "MDS_DAMAGE", HealthChecks.Severity.HEALTH_ERR,
                damaged.size() + " mds daemon" + (damaged.size() == 1 ? "" : "s") + " damaged", damaged);
        if (degradedFs > 0) {
            out.add(new HealthChecks.Check("FS_DEGRADED", HealthChecks.Severity.HEALTH_WARN,
                    filesystems(degradedFs, "is", "are") + " degraded", degraded));
        }
        add(out, "MDS_UP_LESS_THAN_MAX", HealthChecks.Severity.HEALTH_WARN,
                filesystems(fewer.size(), "is", "are") + " online with fewer MDS than max_mds", fewer);
        add(out, "MDS_ALL_DOWN", HealthChecks.Severity.HEALTH_ERR,
                filesystems(offline.size(), "is", "are") + " offline", offline);
        if (wantedMore > 0) {
            out.add(new HealthChecks.Check("MDS_INSUFFICIENT_STANDBY", HealthChecks.Severity.HEALTH_WARN,
                    "insufficient standby MDS daemons available",
                    List.of("have " + standbys + "; want " + wantedMore + " more")));
        }
        relayed(view, out);
    }

    /** The checks rank holders raised about themselves, one check per code, one detail line per daemon. */
    private static void relayed(FsView view, List<HealthChecks.Check> out) {
        Map<String, List<String>> detail = new TreeMap<>();
        Map<String, HealthChecks.Severity> severity = new TreeMap<>();
        view.daemonHealth().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            MdsDaemonInfo d = view.map().daemon(e.getKey());
            if (d == null || d.getRank() < 0) {
                return;
            }
            for (MdsHealthMetric m : e.getValue()) {
                if (!RELAYED_CODE.matcher(m.getCode()).matches()) {
                    continue;
                }
                String line = "mds." + d.getName() + "(mds." + d.getRank() + "): " + m.getSummary()
                        + (m.getDetailCount() == 0 ? "" : " " + String.join(", ", m.getDetailList()));
                detail.computeIfAbsent(m.getCode(), c -> new ArrayList<>()).add(line);
                HealthChecks.Severity s = m.getSeverity().equals("HEALTH_ERR") ? HealthChecks.Severity.HEALTH_ERR
                        : HealthChecks.Severity.HEALTH_WARN;
                severity.merge(m.getCode(), s, (x, y) -> x.ordinal() >= y.ordinal() ? x : y);
            }
        });
        detail.forEach((code, lines) -> out.add(new HealthChecks.Check(code, severity.get(code),
                String.format(RELAYED_SUMMARIES.getOrDefault(code, "%d MDSs report " + code), lines.size()), lines)));
    }

    private static void add(List<HealthChecks.Check> out, String code, HealthChecks.Severity s, String summary,
                            List<String> detail) {
        if (!detail.isEmpty()) {
            out.add(new HealthChecks.Check(code, s, summary, detail));
        }
    }

    /** "1 filesystem is" / "2 filesystems are", as Ceph's %num% filesystem%plurals% %isorare%. */
    private static String filesystems(int n, String one, String many) {
        return n + (n == 1 ? " filesystem " + one : " filesystems " + many);
    }
}
