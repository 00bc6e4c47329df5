package io.cairn.objectstore.tool;

import io.cairn.common.cli.UserInputException;
import io.cairn.objectstore.block.BlockStore;
import io.cairn.objectstore.block.Fsck;
import io.cairn.objectstore.block.FsckReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "fsck", description = "Check an unmounted store: metadata against the allocator; with --deep every checksum. Exit 1 if errors.")
final class FsckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--path", required = true, description = "store directory")
    Path path;

    @Option(names = "--deep", description = "also read all data and verify every crc32c")
    boolean deep;

    @Option(names = "--repair", description = "free leaked space and fix counts (data damage is only reported)")
    boolean repair;

    @Override
    public Integer call() {
        if (!Files.isDirectory(path.resolve(BlockStore.META_DIR))) {
            throw new UserInputException("no object store at " + path);
        }
        FsckReport r = Fsck.run(path, deep, repair);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("clean", r.clean());
        out.put("deep", r.deep());
        out.put("objects", r.objects());
        out.put("extents", r.extents());
        out.put("bytes_verified", r.bytesVerified());
        out.put("leaked_bytes", r.leakedBytes());
        out.put("errors", r.errors());
        out.put("damaged_objects", r.damagedObjects());
        out.put("repaired", r.repaired());
        StringBuilder text = new StringBuilder();
        text.append("fsck").append(deep ? " --deep" : "").append(": ").append(r.objects()).append(" objects, ")
                .append(r.extents()).append(" extents");
        if (deep) {
            text.append(", ").append(r.bytesVerified()).append(" bytes verified");
        }
        text.append(r.clean() ? ", clean\n" : ", " + r.errors().size() + " errors\n");
        r.errors().forEach(e -> text.append("  ").append(e).append('\n'));
        r.damagedObjects().forEach(o -> text.append("  damaged: ").append(o).append('\n'));
        if (r.repaired()) {
            text.append("repaired (run fsck again to confirm)\n");
        }
        ToolOutput.print(spec, out, text.toString());
        return r.clean() ? 0 : 1;
    }
}
