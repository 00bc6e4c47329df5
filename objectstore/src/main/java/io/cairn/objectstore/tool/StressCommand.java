package io.cairn.objectstore.tool;

import io.cairn.common.cli.UserInputException;
import io.cairn.objectstore.block.BlockStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "stress", description = {
        "Random transactions on objects of up to 1 MiB in collection stress-<seed> of an existing store.",
        "Before queueing a transaction it appends, per object touched:",
        "  begin<TAB>txid<TAB>coll<TAB>oid<TAB>sha256 of the object's content after it (- if removed)",
        "and once the transaction is durable: ack<TAB>txid"})
final class StressCommand implements Callable<Integer> {
    private static final long SECONDS_MAX = 7 * 24 * 3600;

    @Spec
    CommandSpec spec;

    @Option(names = "--path", required = true, description = "store directory (made by mkfs)")
    Path path;

    @Option(names = "--seconds", required = true, description = "how long to run")
    long seconds;

    @Option(names = "--seed", required = true, description = "random seed; also names the collection")
    long seed;

    @Option(names = "--acked-log", required = true, description = "file to append begin/ack lines to")
    Path ackedLog;

    @Override
    public Integer call() throws Exception {
        if (seconds < 0 || seconds > SECONDS_MAX) {
            throw new UserInputException("--seconds must be in 0.." + SECONDS_MAX);
        }
        try (BlockStore store = StoreOpener.mount(path); AckedLog log = new AckedLog(ackedLog)) {
            StressRunner.Result r = new StressRunner(store, seed, log).run(seconds);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("seed", seed);
            out.put("collection", StressRunner.collectionName(seed));
            out.put("begun", r.begun());
            out.put("acked", r.acked());
            out.put("no_space", r.noSpace());
            ToolOutput.print(spec, out, "stress seed " + seed + ": " + r.acked() + " of " + r.begun()
                    + " transactions acked, " + r.noSpace() + " refused for space");
            return 0;
        }
    }
}
