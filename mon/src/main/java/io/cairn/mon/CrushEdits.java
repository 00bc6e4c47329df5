package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.Pool;
import io.cairn.crush.CrushMap;
import io.cairn.crush.CrushMapBuilder;
import io.cairn.crush.CrushMapException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** CRUSH helpers for the mon commands: locations, weights, and the "still maps" check. */
final class CrushEdits {
    private static final int PROBE_INPUTS = 16;

    private CrushEdits() {}

    /** A decimal CRUSH weight to 16.16; refuses negative, NaN and absurd values. */
    static int weight16(double w) {
        if (!(w >= 0) || w > 65535) {
            throw CairnException.invalid("weight must be a number from 0 to 65535, not " + w);
        }
        return (int) (w * 0x10000);
    }

    /**
     * The bucket an item at {@code location} (type=name pairs) goes under, creating the buckets
     * named there that do not exist yet and linking each under the next higher one, as
     * {@code ceph osd crush create-or-move} does. Empty location: root "default".
     */
    static int ensureLocation(CrushMapBuilder b, Map<String, String> location) {
        Map<String, String> loc = location.isEmpty() ? Map.of("root", "default") : location;
        List<Map.Entry<String, String>> byType = new ArrayList<>(loc.entrySet());
        for (Map.Entry<String, String> e : byType) {
            b.typeId(e.getKey()); // unknown type -> CrushMapException
        }
        byType.sort(Comparator.comparingInt(e -> b.typeId(e.getKey())));
        List<Integer> ids = new ArrayList<>();
        for (Map.Entry<String, String> e : byType) {
            Integer id = b.idOf(e.getValue());
            if (id == null) {
                id = b.addBucket(e.getValue(), e.getKey());
            } else if (id >= 0) {
                throw CairnException.invalid("'" + e.getValue() + "' is a device, not a " + e.getKey());
            }
            ids.add(id);
        }
        // link buckets that hang nowhere under the next one up; placed buckets stay where they are
        for (int i = 0; i + 1 < ids.size(); i++) {
            if (b.parentsOf(ids.get(i)).isEmpty()) {
                b.link(ids.get(i), ids.get(i + 1));
            }
        }
        return ids.get(0);
    }

    /**
     * Refuses a CRUSH change that leaves a rule some pool uses unable to map, when it could map
     * before (a map with no OSDs yet maps nothing either way).
     */
    static void checkStillMaps(OsdMap before, CrushMap after) {
        for (Pool p : before.pools().values()) {
            boolean could = mapsSomething(before.crush(), p.crushRule(), p.size());
            if (could && !mapsSomething(after, p.crushRule(), p.size())) {
                throw CairnException.invalid("the change would leave CRUSH rule " + p.crushRule() + " (used by pool '"
                        + p.name() + "') unable to map any OSD");
            }
        }
    }

    static boolean mapsSomething(CrushMap crush, int rule, int size) {
        if (crush.rule(rule) == null) {
            return false;
        }
        int[] weights = crush.defaultWeights();
        int[] out = new int[Math.max(1, size)];
        for (int x = 0; x < PROBE_INPUTS; x++) {
            if (crush.map(rule, x, out.length, weights, out) > 0) {
                return true;
            }
        }
        return false;
    }

    /** Builds the edited map, turning CRUSH's own errors into EINVAL. */
    static CrushMap build(CrushMapBuilder b) {
        try {
            return b.build();
        } catch (CrushMapException e) {
            throw CairnException.invalid(e.getMessage());
        }
    }
}
