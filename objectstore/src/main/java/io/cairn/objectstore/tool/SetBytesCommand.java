package io.cairn.objectstore.tool;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.Transaction;
import io.cairn.objectstore.block.BlockStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ceph-objectstore-tool ... set-bytes}: replaces one object's data inside a stopped OSD's
 * store, through the store, so its own checksums stay valid; xattrs, omap and the PG log are
 * untouched. The OSD's copy then differs from its peers' without the cluster knowing: what a
 * scrub must find.
 */
@Command(name = "set-bytes", description = "Replace an object's data in a stopped OSD's store with a file's "
        + "content (xattrs, omap and the PG log are kept).")
final class SetBytesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PgObjectOptions target;

    @Option(names = "--in", required = true, description = "input file")
    Path in;

    @Override
    public Integer call() throws IOException {
        byte[] data = ObjectFiles.read(in);
        try (BlockStore store = target.mount()) {
            CollectionId c = target.collection(store);
            ObjectId o = target.find(store, c);
            store.apply(new Transaction().truncate(c, o, 0).write(c, o, 0, data));
            ToolOutput.print(spec, Map.of("pgid", target.pgid, "object", o.toString(), "bytes", data.length),
                    "wrote " + data.length + " bytes to " + target.pgid + "/" + o);
            return 0;
        }
    }
}
