package io.cairn.cli.crush;

import io.cairn.cli.CairnCommand;
import io.cairn.common.cli.Json;
import io.cairn.common.cli.OutputFormat;
import io.cairn.common.cli.TextTable;
import io.cairn.crush.CrushMap;
import io.cairn.crush.CrushTextWriter;
import io.cairn.crush.CrushTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cairn crush tree}: the hierarchy as {@code ceph osd crush tree} prints it. */
@Command(name = "tree", mixinStandardHelpOptions = true, description = "Show the hierarchy: ID, CLASS, WEIGHT, TYPE NAME.")
public final class CrushTreeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    MapFileOption mapFile;

    @Option(names = "--show-shadow", description = "Also show the per-device-class shadow trees.")
    boolean showShadow;

    @Override
    public void run() {
        CrushMap map = mapFile.load();
        List<CrushTree.Row> rows = CrushTree.rows(map, showShadow);
        OutputFormat format = CairnCommand.of(spec).format();
        if (format.isJson()) {
            CairnCommand.out(spec).println(Json.write(json(rows), format == OutputFormat.JSON_PRETTY));
            return;
        }
        CairnCommand.out(spec).print(render(rows));
    }

    /** Renders rows as Ceph's table: ID, CLASS right-aligned, WEIGHT with 5 decimals, names indented. */
    public static String render(List<CrushTree.Row> rows) {
        TextTable table = new TextTable()
                .column("ID", TextTable.Align.RIGHT)
                .column("CLASS", TextTable.Align.RIGHT)
                .column("WEIGHT", TextTable.Align.RIGHT)
                .column("TYPE NAME", TextTable.Align.LEFT);
        for (CrushTree.Row r : rows) {
            table.row(Integer.toString(r.id()), r.deviceClass() == null ? "" : r.deviceClass(), weight(r.weight()),
                    "    ".repeat(r.depth()) + (r.id() >= 0 ? r.name() : r.typeName() + " " + r.name()));
        }
        return table.render();
    }

    /** As Ceph's weightf_t: five decimals, and a bare 0 for a zero weight. */
    private static String weight(int weight16) {
        float w = (float) weight16 / (float) 0x10000;
        if (w >= 0 && w < 0.000001f) {
            return "0";
        }
        return CrushTextWriter.formatWeight(weight16, 5);
    }

    private static Map<String, Object> json(List<CrushTree.Row> rows) {
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
