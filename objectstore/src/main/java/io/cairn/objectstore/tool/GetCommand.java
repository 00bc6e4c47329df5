package io.cairn.objectstore.tool;

import io.cairn.common.cli.UserInputException;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.block.BlockStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "get", description = "Write an object's data to a file (or stdout).")
final class GetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--path", required = true, description = "store directory")
    Path path;

    @Option(names = "--coll", required = true, description = "collection")
    String coll;

    @Option(names = "--oid", required = true, description = "object name (head, default namespace)")
    String oid;

    @Option(names = "--out", description = "output file (default: stdout)")
    Path out;

    @Override
    public Integer call() throws IOException {
        try (BlockStore store = StoreOpener.mount(path)) {
            CollectionId c = StoreOpener.coll(store, coll);
            ObjectId o = StoreOpener.find(store, c, oid)
                    .orElseThrow(() -> new UserInputException("no object " + oid + " in " + coll));
            byte[] data = store.read(c, o, 0, 0);
            ObjectFiles.write(data, out);
            return 0;
        }
    }
}
