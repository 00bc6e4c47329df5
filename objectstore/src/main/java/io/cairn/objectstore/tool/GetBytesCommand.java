package io.cairn.objectstore.tool;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.block.BlockStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ceph-objectstore-tool ... get-bytes}: one object's data from a stopped OSD. */
@Command(name = "get-bytes", description = "Write an object's data, read from a stopped OSD's store, to a file "
        + "(or stdout). A copy whose data fails the store's checksums is refused.")
final class GetBytesCommand implements Callable<Integer> {
    @Mixin
    PgObjectOptions target;

    @Option(names = "--out", description = "output file (default: stdout)")
    Path out;

    @Override
    public Integer call() {
        try (BlockStore store = target.mount()) {
            CollectionId c = target.collection(store);
            ObjectId o = target.find(store, c);
            byte[] data = store.read(c, o, 0, 0);
            ObjectFiles.write(data, out);
            return 0;
        }
    }
}
