package io.cairn.objectstore.tool;

import io.cairn.common.cli.UserInputException;
import io.cairn.objectstore.ObjectStoreException;
import io.cairn.objectstore.block.BlockStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "mkfs", description = "Create an empty store: a preallocated block file and its metadata.")
final class MkfsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--path", required = true, description = "store directory (created)")
    Path path;

    @Option(names = "--size", defaultValue = "1G", description = "block file size, e.g. 10G (default ${DEFAULT-VALUE})")
    String size;

    @Option(names = "--alloc-unit", defaultValue = "4096", description = "allocation unit in bytes (default ${DEFAULT-VALUE})")
    int unitBytes;

    @Override
    public Integer call() {
        long bytes = Sizes.parse(size);
        try {
            BlockStore.mkfs(path, bytes, unitBytes);
        } catch (ObjectStoreException.InvalidArgument e) {
            throw new UserInputException(e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", path.toString());
        out.put("size_bytes", bytes - bytes % unitBytes);
        out.put("alloc_unit_bytes", unitBytes);
        ToolOutput.print(spec, out, "created object store at " + path + ": " + (bytes - bytes % unitBytes)
                + " bytes, allocation unit " + unitBytes);
        return 0;
    }
}
