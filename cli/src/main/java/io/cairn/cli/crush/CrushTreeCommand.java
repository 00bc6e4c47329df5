package io.cairn.cli.crush;

import io.cairn.cli.CairnCommand;
import io.cairn.common.cli.Json;
import io.cairn.common.cli.OutputFormat;
import io.cairn.common.cli.CrushTreeFormat;
import io.cairn.crush.CrushMap;
import io.cairn.crush.CrushTree;
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

    public static String render(List<CrushTree.Row> rows) {
        return CrushTreeFormat.render(rows, List.of());
    }

    private static Map<String, Object> json(List<CrushTree.Row> rows) {
        return CrushTreeFormat.json(rows, id -> Map.of());
    }
}
