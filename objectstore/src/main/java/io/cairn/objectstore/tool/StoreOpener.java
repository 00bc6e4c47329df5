package io.cairn.objectstore.tool;

import io.cairn.common.cli.UserInputException;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ListPage;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.ObjectStoreException;
import io.cairn.objectstore.block.BlockStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Mounting a store and naming objects from the command line. */
final class StoreOpener {
    /** Bounds a name lookup by scanning. */
    private static final int SCAN_PAGES_MAX = 100_000;

    private StoreOpener() {}

    static BlockStore mount(Path path) {
        if (!Files.isDirectory(path.resolve(BlockStore.META_DIR))) {
            throw new UserInputException("no object store at " + path + " (run 'cairn objectstore mkfs --path "
                    + path + "' first)");
        }
        BlockStore s = new BlockStore(path);
        s.mount();
        return s;
    }

    static CollectionId coll(ObjectStore store, String name) {
        CollectionId c;
        try {
            c = CollectionId.of(name);
        } catch (ObjectStoreException e) {
            throw new UserInputException(e.getMessage());
        }
        if (!store.collectionExists(c)) {
            throw new UserInputException("no such collection " + name);
        }
        return c;
    }

    /** The head object named {@code name} (default namespace), whatever its hash; empty if none. */
    static Optional<ObjectId> find(ObjectStore store, CollectionId c, String name) {
        return find(store, c, name, "");
    }

    /** The head object named {@code name} in {@code nspace}, whatever its hash; empty if none. */
    static Optional<ObjectId> find(ObjectStore store, CollectionId c, String name, String nspace) {
        Optional<ObjectId> cursor = Optional.empty();
        for (int page = 0; page < SCAN_PAGES_MAX; page++) {
            ListPage p = store.list(c, cursor, 1000);
            for (ObjectId o : p.objects()) {
                if (o.name().equals(name) && o.namespace().equals(nspace) && o.snap() == ObjectId.HEAD) {
                    return Optional.of(o);
                }
            }
            cursor = p.next();
            if (cursor.isEmpty()) {
                return Optional.empty();
            }
        }
        throw new UserInputException("collection " + c + " is too large to search for " + name);
    }
}
