package io.cairn.objectstore;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

/**
 * The local store under one OSD. Collections hold objects; an object has data, xattrs and an
 * omap. Every change goes through {@link Transaction}s. Reads see every transaction whose future
 * has completed. Errors are {@link ObjectStoreException}s.
 */
public interface ObjectStore extends AutoCloseable {
    /** Opens the store; reads and transactions are refused until this returns. */
    void mount();

    /** Waits for queued transactions, then closes. Idempotent. */
    void umount();

    @Override
    default void close() {
        umount();
    }

    StatFs statfs();

    /** Promises space before the caller promises work; see {@link Reservation}. */
    Reservation reserve(long bytes);

    /**
     * Applies {@code txns} in order as one atomic unit. The future completes once the change is
     * durable, or fails with an {@link ObjectStoreException} and nothing changed. Transactions
     * queued concurrently share one commit. Never blocks: a full queue fails the future with Busy.
     */
    CompletableFuture<Void> queueTransactions(List<Transaction> txns);

    default CompletableFuture<Void> queueTransaction(Transaction txn) {
        return queueTransactions(List.of(txn));
    }

    /** Queues and waits; rethrows the store's exception unwrapped. */
    default void apply(Transaction txn) {
        try {
            queueTransaction(txn).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    List<CollectionId> listCollections();

    boolean collectionExists(CollectionId coll);

    HashRange collectionRange(CollectionId coll);

    /** Up to {@code limit} objects after {@code after} (exclusive) in hash order. */
    ListPage list(CollectionId coll, Optional<ObjectId> after, int limit);

    boolean exists(CollectionId coll, ObjectId oid);

    ObjectStat stat(CollectionId coll, ObjectId oid);

    /**
     * Bytes {@code [offset, offset + length)} clipped to the object's size; {@code length == 0}
     * reads to the end. Holes read as zeros. Damaged data is a ChecksumError, never returned.
     */
    byte[] read(CollectionId coll, ObjectId oid, long offset, long length);

    /**
     * The same bytes as {@link #read}, possibly in memory the store lends out instead of a fresh
     * array: for a read whose bytes only pass through (to the network), which saves a copy and the
     * array's zeroing. The caller closes it once, after its last use of the bytes.
     */
    default ReadBuffer readBuffer(CollectionId coll, ObjectId oid, long offset, long length) {
        return ReadBuffer.of(read(coll, oid, offset, length));
    }

    Optional<byte[]> getAttr(CollectionId coll, ObjectId oid, String name);

    SortedMap<String, byte[]> getAttrs(CollectionId coll, ObjectId oid);

    /** The omap header, empty if never set. */
    byte[] omapGetHeader(CollectionId coll, ObjectId oid);

    OmapKeys omapGetKeys(CollectionId coll, ObjectId oid, OmapQuery query);

    OmapPage omapGetValues(CollectionId coll, ObjectId oid, OmapQuery query);

    /** The values of those of {@code keys} that exist. */
    SortedMap<String, byte[]> omapGetValuesByKeys(CollectionId coll, ObjectId oid, Set<String> keys);
}
