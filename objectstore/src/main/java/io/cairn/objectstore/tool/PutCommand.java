package io.cairn.objectstore.tool;

import io.cairn.common.cli.UserInputException;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.Transaction;
import io.cairn.objectstore.block.BlockStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "put", description = "Replace an object's data with a file's content (creates the collection if missing).")
final class PutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--path", required = true, description = "store directory")
    Path path;

    @Option(names = "--coll", required = true, description = "collection")
    String coll;

    @Option(names = "--oid", required = true, description = "object name (head, default namespace)")
    String oid;

    @Option(names = "--in", required = true, description = "input file")
    Path in;

    @Option(names = "--hash", description = "placement hash in hex for a new object (default: an existing object's, "
            + "else the lowest hash in the collection's range)")
    String hash;

    @Override
    public Integer call() throws IOException {
        byte[] data = ObjectFiles.read(in);
        try (BlockStore store = StoreOpener.mount(path)) {
            CollectionId c = CollectionId.of(coll);
            if (!store.collectionExists(c)) {
                store.apply(new Transaction().createCollection(c, io.cairn.objectstore.HashRange.ALL));
            }
            ObjectId o = StoreOpener.find(store, c, oid).orElseGet(() -> ObjectId.head(oid, newHash(store, c)));
            store.apply(new Transaction().touch(c, o).truncate(c, o, 0).write(c, o, 0, data));
            ToolOutput.print(spec, Map.of("collection", coll, "oid", o.toString(), "bytes", data.length),
                    "wrote " + data.length + " bytes to " + c + "/" + o);
            return 0;
        }
    }

    private int newHash(BlockStore store, CollectionId c) {
        if (hash == null) {
            return store.collectionRange(c).value();
        }
        try {
            return Integer.parseUnsignedInt(hash, 16);
        } catch (NumberFormatException e) {
            throw new UserInputException("--hash must be hex, got " + hash);
        }
    }
}
