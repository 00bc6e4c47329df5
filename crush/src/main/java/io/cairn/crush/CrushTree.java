package io.cairn.crush;

import java.util.ArrayList;
import java.util.List;

/**
 * The hierarchy as {@code ceph osd crush tree} walks it: each root, then depth-first through
 * its items in bucket order. Shadow (per-class) trees are included only when asked.
 */
public final class CrushTree {
    /**
     * One line of the tree: an item, the weight its parent gives it (a root's own total), its
     * device class (devices only, else null), and how deep it sits.
     */
    public record Row(int id, String name, String typeName, int typeId, String deviceClass, int weight, int depth,
                      List<Integer> children) { }

    private CrushTree() {}

    public static List<Row> rows(CrushMap map, boolean withShadow) {
        List<Row> rows = new ArrayList<>();
        List<Integer> roots = new ArrayList<>(map.roots());
        if (withShadow) {
            for (Bucket b : map.buckets()) {
                if (map.isShadow(b.id()) && isShadowRoot(map, b.id())) {
                    roots.add(b.id());
                }
            }
        }
        for (int root : roots) {
            walk(map, root, map.bucket(root).weight(), 0, rows);
        }
        return rows;
    }

    private static boolean isShadowRoot(CrushMap map, int shadowId) {
        int[] origin = map.shadowOrigin(shadowId);
        return map.roots().contains(origin[0]);
    }

    private static void walk(CrushMap map, int id, int weight, int depth, List<Row> rows) {
        if (depth > map.maxBuckets() + 1) {
            throw new IllegalStateException("hierarchy deeper than the bucket count: a cycle");
        }
        if (id >= 0) {
            Device d = map.devices().get(id);
            rows.add(new Row(id, map.name(id) == null ? "osd." + id : map.name(id), map.typeName(0), 0,
                    d == null ? null : d.deviceClass(), weight, depth, List.of()));
            return;
        }
        Bucket b = map.bucket(id);
        List<Integer> children = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            children.add(b.item(i));
        }
        rows.add(new Row(id, map.name(id), map.typeName(b.typeId()), b.typeId(), null, weight, depth, children));
        for (int i = 0; i < b.size(); i++) {
            walk(map, b.item(i), b.itemWeight(i), depth + 1, rows);
        }
    }
}
