package io.cairn.mon;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.crush.Bucket;
import io.cairn.crush.CrushMap;
import io.cairn.proto.v1.PgStat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks from the CRUSH tree and the last PG reports: OSD_HOST_DOWN (and OSD_RACK_DOWN,
 * OSD_ROOT_DOWN, ... for each bucket type) when every OSD under a bucket is down, and
 * DATA_ONLY_ON_DOWN_OSDS for PGs whose only current copies sit on OSDs that are down.
 */
final class TopologyHealth {
    private static final int DEPTH_MAX = 32;

    private TopologyHealth() {}

    static void checks(OsdMap map, PgStatsTable.Summary s, List<HealthChecks.Check> out) {
        downBuckets(map, out);
        if (s != null) {
            onlyCopiesDown(map, s, out);
        }
    }

    /** The OSD ids under a bucket, at any depth. */
    static List<Integer> osdsUnder(CrushMap crush, int bucketId) {
        List<Integer> out = new ArrayList<>();
        collect(crush, bucketId, out, 0);
        return out;
    }

    private static void collect(CrushMap crush, int id, List<Integer> out, int depth) {
        if (id >= 0) {
            out.add(id);
            return;
        }
        Bucket b = crush.bucket(id);
        if (b == null || depth > DEPTH_MAX) {
            return;
        }
        for (int item : b.items()) {
            collect(crush, item, out, depth + 1);
        }
    }

    private static void downBuckets(OsdMap map, List<HealthChecks.Check> out) {
        CrushMap crush = map.crush();
        Map<Integer, Integer> parent = new HashMap<>();
        for (Bucket b : crush.buckets()) {
            if (b != null && !crush.isShadow(b.id())) {
                for (int item : b.items()) {
                    parent.put(item, b.id());
                }
            }
        }
        // per bucket type, in the map's type order (host before rack before root)
        Map<String, List<String>> byType = new LinkedHashMap<>();
        Map<String, Integer> osdsByType = new HashMap<>();
        for (var type : crush.types().entrySet()) {
            for (Bucket b : crush.buckets()) {
                if (b == null || b.typeId() != type.getKey() || crush.isShadow(b.id())) {
                    continue;
                }
                List<Integer> osds = osdsUnder(crush, b.id()).stream().filter(map::exists).toList();
                if (osds.isEmpty() || osds.stream().anyMatch(map::isUp)) {
                    continue;
                }
                byType.computeIfAbsent(type.getValue(), k -> new ArrayList<>()).add(type.getValue() + " "
                        + crush.name(b.id()) + location(crush, parent, b.id()) + " (" + osds.size() + " osds) is down");
                osdsByType.merge(type.getValue(), osds.size(), Integer::sum);
            }
        }
        byType.forEach((type, detail) -> out.add(new HealthChecks.Check("OSD_" + type.toUpperCase(Locale.ROOT) + "_DOWN",
                HealthChecks.Severity.HEALTH_WARN, detail.size() + " " + type + " (" + osdsByType.get(type)
                        + " osds) down", detail)));
    }

    /** " (root=default)" or " (root=default,rack=r1)" for a bucket with parents; "" for a root. */
    private static String location(CrushMap crush, Map<Integer, Integer> parent, int id) {
        List<String> path = new ArrayList<>();
        Integer p = parent.get(id);
        for (int depth = 0; p != null && depth < DEPTH_MAX; depth++) {
            path.add(0, crush.typeName(crush.bucket(p).typeId()) + "=" + crush.name(p));
            p = parent.get(p);
        }
        return path.isEmpty() ? "" : " (" + String.join(",", path) + ")";
    }

    private static void onlyCopiesDown(OsdMap map, PgStatsTable.Summary s, List<HealthChecks.Check> out) {
        long objects = 0;
        List<String> detail = new ArrayList<>();
        for (Map.Entry<PgId, String> e : s.stateOf().entrySet()) {
            PgId pg = e.getKey();
            boolean down = List.of(e.getValue().split("\\+")).contains("down");
            boolean noneUp = map.mapPg(pg).acting().isEmpty();
            PgStat last = s.lastKnown().get(pg);
            if ((down || noneUp) && last != null && last.getObjects() > 0) {
                objects += last.getObjects();
                if (detail.size() < PgStatsTable.NOT_CLEAN_LISTED_MAX) {
                    detail.add("pg " + pg + " (" + last.getObjects() + " objects) was last current on osd."
                            + String.join(",osd.", last.getActingList().stream().map(String::valueOf).toList())
                            + ", now down");
                }
            }
        }
        if (objects > 0) {
            out.add(new HealthChecks.Check("DATA_ONLY_ON_DOWN_OSDS", HealthChecks.Severity.HEALTH_WARN,
                    objects + " objects in " + detail.size() + " pgs have their only current copies on down OSDs",
                    detail));
        }
    }
}
