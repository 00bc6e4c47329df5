package io.cairn.objectstore.tool;

import io.cairn.common.cli.TextTable;
import io.cairn.common.cli.UserInputException;
import io.cairn.objectstore.block.BlockStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench", description = "Measure 4 MiB sequential writes (MB/s), 4 KiB random overwrites each durable "
        + "(IOPS), and reads, in a scratch collection of an existing store.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--path", required = true, description = "store directory (made by mkfs)")
    Path path;

    @Option(names = "--objects", defaultValue = "64", description = "4 MiB objects to write (default ${DEFAULT-VALUE})")
    int objects;

    @Option(names = "--seconds", defaultValue = "5", description = "length of each random phase (default ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--queue-depth", defaultValue = "16",
            description = "transactions in flight in the second overwrite phase (default ${DEFAULT-VALUE})")
    int queueDepth;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws InterruptedException {
        if (objects < 1 || objects > 100_000 || seconds <= 0 || seconds > 3600 || queueDepth < 1 || queueDepth > 512) {
            throw new UserInputException("need 1 <= --objects <= 100000, 0 < --seconds <= 3600, 1 <= --queue-depth <= 512");
        }
        try (BlockStore store = StoreOpener.mount(path)) {
            long need = (long) objects * BenchRunner.OBJECT_BYTES;
            if (need > store.statfs().availableBytes() * 0.9) {
                throw new UserInputException("--objects " + objects + " needs " + need + " bytes; store has "
                        + store.statfs().availableBytes() + " available");
            }
            List<BenchRunner.Phase> phases = new BenchRunner(store, seed).run(objects, seconds, queueDepth);
            TextTable t = new TextTable().column("PHASE", TextTable.Align.LEFT).column("OPS", TextTable.Align.RIGHT)
                    .column("SECONDS", TextTable.Align.RIGHT).column("OPS/S", TextTable.Align.RIGHT)
                    .column("MB/S", TextTable.Align.RIGHT).column("AVG_MS", TextTable.Align.RIGHT)
                    .column("P99_MS", TextTable.Align.RIGHT);
            List<Map<String, Object>> json = new ArrayList<>();
            for (BenchRunner.Phase p : phases) {
                json.add(BenchRunner.json(p));
                t.row(p.name(), Long.toString(p.ops()), fmt(p.seconds()), fmt(p.opsPerSecond()), fmt(p.mbPerSecond()),
                        fmt(p.latencyAvgMs()), Double.isNaN(p.latencyP99Ms()) ? "-" : fmt(p.latencyP99Ms()));
            }
            ToolOutput.print(spec, json, t.render());
            return 0;
        }
    }

    private static String fmt(double v) {
        return String.format("%.2f", v);
    }
}
