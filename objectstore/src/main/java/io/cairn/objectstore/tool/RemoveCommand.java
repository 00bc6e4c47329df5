package io.cairn.objectstore.tool;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.Transaction;
import io.cairn.objectstore.block.BlockStore;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ceph-objectstore-tool ... remove}: deletes one object from a stopped OSD's copy of a PG. */
@Command(name = "remove", description = "Delete an object from a stopped OSD's copy of a PG (the PG log is kept).")
final class RemoveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PgObjectOptions target;

    @Override
    public Integer call() {
        try (BlockStore store = target.mount()) {
            CollectionId c = target.collection(store);
            ObjectId o = target.find(store, c);
            store.apply(new Transaction().remove(c, o));
            ToolOutput.print(spec, Map.of("pgid", target.pgid, "object", o.toString(), "removed", true),
                    "removed " + target.pgid + "/" + o);
            return 0;
        }
    }
}
