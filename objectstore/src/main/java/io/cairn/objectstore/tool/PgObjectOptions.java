package io.cairn.objectstore.tool;

import io.cairn.common.cli.UserInputException;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.block.BlockStore;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How ceph-objectstore-tool names one client object of a stopped OSD: the OSD's data directory
 * (or its store directory), the PG and the object's name and namespace.
 */
final class PgObjectOptions {
    /** An OSD data directory keeps its store here. */
    private static final String OSD_STORE_DIR = "store";

    @Option(names = "--path", required = true, description = "the stopped OSD's data directory (or its store directory)")
    Path path;

    @Option(names = "--pgid", required = true, description = "the PG holding the object, e.g. 1.1f")
    String pgid;

    @Option(names = "--object", required = true, description = "object name")
    String object;

    @Option(names = "--nspace", defaultValue = "", description = "object namespace (default: none)")
    String nspace;

    BlockStore mount() {
        Path store = Files.isDirectory(path.resolve(BlockStore.META_DIR)) ? path : path.resolve(OSD_STORE_DIR);
        return StoreOpener.mount(store);
    }

    CollectionId collection(ObjectStore store) {
        return StoreOpener.coll(store, pgid);
    }

    /** The head object of that name in the PG, whatever its hash. */
    ObjectId find(ObjectStore store, CollectionId c) {
        return StoreOpener.find(store, c, object, nspace).orElseThrow(() -> new UserInputException(
                "no object " + (nspace.isEmpty() ? "" : nspace + "/") + object + " in pg " + pgid));
    }
}
