package io.cairn.common.cli;

import io.cairn.crush.CrushTextWriter;
import io.cairn.crush.CrushTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The CRUSH hierarchy as {@code ceph osd crush tree} and {@code ceph osd tree} print it: ID, CLASS,
 * WEIGHT (five decimals), indented TYPE NAME, and optional extra columns for devices.
 */
public final class CrushTreeFormat {
    private CrushTreeFormat() {}

    /** Extra columns shown on device rows (e.g. STATUS, REWEIGHT); empty cells on bucket rows. */
    public record Extra(String header, TextTable.Align align, Function<Integer, String> cell) { }

    public static String render(List<CrushTree.Row> rows, List<Extra> extras) {
        TextTable table = new TextTable()
                .column("ID", TextTable.Align.RIGHT)
                .column("CLASS", TextTable.Align.RIGHT)
                .column("WEIGHT", TextTable.Align.RIGHT)
                .column("TYPE NAME", TextTable.Align.LEFT);
        extras.forEach(e -> table.column(e.header(), e.align()));
        for (CrushTree.Row r : rows) {
            List<String> cells = new ArrayList<>(List.of(Integer.toString(r.id()),
                    r.deviceClass() == null ? "" : r.deviceClass(), weight(r.weight()),
                    "    ".repeat(r.depth()) + (r.id() >= 0 ? r.name() : r.typeName() + " " + r.name())));
            for (Extra e : extras) {
                cells.add(r.id() >= 0 ? e.cell().apply(r.id()) : "");
            }
            table.row(cells.toArray(new String[0]));
        }
        return table.render();
    }

    /** As Ceph's weightf_t: five decimals, and a bare 0 for a zero weight. */
    public static String weight(int weight16) {
        float w = (float) weight16 / (float) 0x10000;
        if (w >= 0 && w < 0.000001f) {
            return "0";
        }
        return CrushTextWriter.formatWeight(weight16, 5);
    }

    /** Ceph's {@code -f json} form: nodes with children ids, and the stray list. */
    public static Map<String, Object> json(List<CrushTree.Row> rows, Function<Integer, Map<String, Object>> deviceExtras) {
        List<Object> nodes = new ArrayList<>();
        for (CrushTree.Row r : rows) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("id", r.id());
            n.put("name", r.name());
            n.put("type", r.typeName());
            n.put("type_id", r.typeId());
            if (r.deviceClass() != null) {
                n.put("device_class", r.deviceClass());
            }
            if (r.id() >= 0) {
                n.put("crush_weight", (double) ((float) r.weight() / (float) 0x10000));
                n.put("depth", r.depth());
                n.putAll(deviceExtras.apply(r.id()));
            } else {
                n.put("children", r.children());
            }
            nodes.add(n);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodes", nodes);
        out.put("stray", List.of());
        return out;
    }
}
