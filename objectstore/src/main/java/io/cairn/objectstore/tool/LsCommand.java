package io.cairn.objectstore.tool;

import io.cairn.common.cli.TextTable;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ListPage;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.block.BlockStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "ls", description = "List collections, or the objects of one collection in hash order.")
final class LsCommand implements Callable<Integer> {
    private static final int PAGES_MAX = 1_000_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--path", required = true, description = "store directory")
    Path path;

    @Option(names = "--coll", description = "collection to list")
    String coll;

    @Override
    public Integer call() {
        try (BlockStore store = StoreOpener.mount(path)) {
            if (coll == null) {
                List<Object> json = new ArrayList<>();
                TextTable t = new TextTable().column("COLLECTION", TextTable.Align.LEFT)
                        .column("HASH_RANGE", TextTable.Align.LEFT);
                for (CollectionId c : store.listCollections()) {
                    String range = store.collectionRange(c).toString();
                    json.add(Map.of("collection", c.name(), "hash_range", range));
                    t.row(c.name(), range);
                }
                ToolOutput.print(spec, json, t.render());
                return 0;
            }
            CollectionId c = StoreOpener.coll(store, coll);
            List<Object> json = new ArrayList<>();
            TextTable t = new TextTable().column("HASH", TextTable.Align.LEFT).column("NAMESPACE", TextTable.Align.LEFT)
                    .column("NAME", TextTable.Align.LEFT).column("SNAP", TextTable.Align.LEFT)
                    .column("SIZE", TextTable.Align.RIGHT);
            Optional<ObjectId> cursor = Optional.empty();
            for (int page = 0; page < PAGES_MAX; page++) {
                ListPage p = store.list(c, cursor, 1000);
                for (ObjectId o : p.objects()) {
                    long size = store.stat(c, o).sizeBytes();
                    String snap = o.snap() == ObjectId.HEAD ? "head" : Long.toUnsignedString(o.snap());
                    String hash = String.format("%08x", o.hash());
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("hash", hash);
                    m.put("namespace", o.namespace());
                    m.put("name", o.name());
                    m.put("snap", snap);
                    m.put("size", size);
                    json.add(m);
                    t.row(hash, o.namespace(), o.name(), snap, Long.toString(size));
                }
                cursor = p.next();
                if (cursor.isEmpty()) {
                    break;
                }
            }
            ToolOutput.print(spec, json, t.render());
            return 0;
        }
    }
}
