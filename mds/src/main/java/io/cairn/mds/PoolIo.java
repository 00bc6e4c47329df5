package io.cairn.mds;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

/**
 * The object operations a rank needs on one pool, all asynchronous so the rank's thread never
 * waits on the network. {@link RadosPoolIo} runs them on an IoCtx; {@link MemoryPool} keeps the
 * objects in memory for tests.
 */
public interface PoolIo {
    long poolId();

    /** The object's whole data, or empty when the object does not exist. */
    CompletableFuture<Optional<byte[]>> read(String oid);

    /** Omap values after {@code after} ("" from the start), at most {@code max}, in the byte order of the keys. */
    CompletableFuture<OmapPage> omapPage(String oid, String after, int max);

    /** Creates the object if it is missing, then sets and removes omap keys, as one operation. */
    CompletableFuture<Void> omapUpdate(String oid, Map<String, byte[]> set, Collection<String> remove);

    CompletableFuture<Void> writeFull(String oid, byte[] data);

    /** Removes the object; completes with whether it existed. */
    CompletableFuture<Boolean> remove(String oid);

    /** Sets an xattr, creating the object if it is missing. */
    CompletableFuture<Void> setXattr(String oid, String name, byte[] value);

    /** One page of an object's omap; {@code exists} false (and nothing else) when there is no such object. */
    record OmapPage(boolean exists, SortedMap<String, byte[]> entries, boolean more) { }
}
