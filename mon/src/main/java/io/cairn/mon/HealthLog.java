package io.cairn.mon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster log lines for changes in health, as Ceph's monitors write them: {@code Health
 * check failed: 1 osds down (OSD_DOWN)}, {@code Health check cleared: OSD_DOWN (was: ...)},
 * {@code Cluster is now healthy}. Fed the leader's checks each tick; the first feed after a
 * leader change only sets the baseline, so a new leader does not log old news again.
 */
final class HealthLog {
    private Map<String, HealthChecks.Check> last;

    /** Level and message of each line to log. */
    List<String[]> update(List<HealthChecks.Check> checks) {
        Map<String, HealthChecks.Check> now = new LinkedHashMap<>();
        checks.forEach(c -> now.put(c.code(), c));
        List<String[]> out = new ArrayList<>();
        if (last != null) {
            for (HealthChecks.Check c : now.values()) {
                HealthChecks.Check before = last.get(c.code());
                if (before == null) {
                    out.add(new String[] {level(c), "Health check failed: " + c.summary() + " (" + c.code() + ")"});
                } else if (!before.summary().equals(c.summary())) {
                    out.add(new String[] {level(c), "Health check update: " + c.summary() + " (" + c.code() + ")"});
                }
            }
            for (HealthChecks.Check c : last.values()) {
                if (!now.containsKey(c.code())) {
                    out.add(new String[] {"INF", "Health check cleared: " + c.code() + " (was: " + c.summary() + ")"});
                }
            }
            if (now.isEmpty() && !last.isEmpty()) {
                out.add(new String[] {"INF", "Cluster is now healthy"});
            }
        }
        last = now;
        return out;
    }

    /** A new leader starts from a fresh baseline. */
    void reset() {
        last = null;
    }

    private static String level(HealthChecks.Check c) {
        return c.severity() == HealthChecks.Severity.HEALTH_ERR ? "ERR" : "WRN";
    }
}
