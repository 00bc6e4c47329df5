package io.cairn.client;

import io.cairn.common.CairnException;
import io.cairn.common.Futures;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.Pool;
import io.cairn.proto.v1.ListEntry;
import io.cairn.proto.v1.ListReply;
import io.cairn.proto.v1.ObjectLocator;
import io.cairn.proto.v1.OpReply;
import io.cairn.proto.v1.OpListSnaps;
import io.cairn.proto.v1.OpResult;
import io.cairn.proto.v1.OpRollback;
import io.cairn.proto.v1.OsdOp;
import io.cairn.proto.v1.SnapContext;
import io.cairn.common.ErrorCode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * I/O on one pool (and namespace), as librados's IoCtx. Every operation has a blocking form that
 * throws {@link RadosException} subtypes, and an async form whose future completes once a write
 * is durable on every member of the acting set (or fails with a CompletionException around one).
 * Every write, blocking or async, gives the object's new version.
 */
public final class IoCtx implements AutoCloseable {
    /** The head, as a snap id (librados' LIBRADOS_SNAP_HEAD). */
    public static final long SNAP_HEAD = -2L;

    private final Objecter objecter;
    private final long poolId;
    private final String poolName;
    private final PoolSnapshots snaps;
    private String namespace = "";
    private String locatorKey = "";
    /** The write snap context of a self-managed pool (newest first); empty until set. */
    private SnapContext writeSnapc = SnapContext.getDefaultInstance();
    /** The snap reads go to; 0 = the head. */
    private long readSnap;

    IoCtx(Objecter objecter, long poolId, String poolName, PoolSnapshots snaps) {
        this.objecter = objecter;
        this.poolId = poolId;
        this.poolName = poolName;
        this.snaps = snaps;
    }

    /**
     * A new self-managed snap id (librados' {@code selfmanaged_snap_create}): the first is 2 and
     * each is larger than any before it. Refused (EINVAL) on a pool that has pool snaps.
     */
    public long selfManagedSnapCreate() {
        return snaps.selfManagedCreate();
    }

    /** Removes a self-managed snap: its clones are trimmed in the background. ENOENT for an id never made. */
    public void selfManagedSnapRemove(long snapId) {
        snaps.selfManagedRemove(snapId);
    }

    /** A pool snap (librados' {@code snap_create}); refused (EINVAL) on a pool in self-managed mode. */
    public void snapCreate(String name) {
        snaps.create(name);
    }

    /** Removes a pool snap by name; ENOENT (NotFound) if it does not exist. */
    public void snapRemove(String name) {
        snaps.remove(name);
    }

    /** The id of a pool snap; NotFound if there is none of that name. */
    public long snapLookup(String name) {
        return snaps.lookup(name);
    }

    /** The ids of the pool's snaps, ascending. */
    public List<Long> snapList() {
        return snaps.list();
    }

    public String snapGetName(long snapId) {
        return snaps.get(snapId).name();
    }

    /** When the pool snap was taken, in epoch milliseconds. */
    public long snapGetStamp(long snapId) {
        return snaps.get(snapId).stampMs();
    }

    /**
     * The snap context every write from now on carries (librados'
     * {@code selfmanaged_snap_set_write_ctx}): {@code seq} the newest snap id, {@code snaps} the
     * live snaps newest first. A write whose object was written under a newer context fails with
     * EOLDSNAPC; the first write after a new snap keeps the object as it was for that snap.
     */
    public void setSelfManagedSnapWrite(long seq, List<Long> snaps) {
        long prev = seq + 1;
        for (long s : snaps) {
            if (Long.compareUnsigned(s, prev) >= 0 || s == 0) {
                throw new RadosException.InvalidArgument("snaps must be newest first and at most seq " + seq + ": " + snaps);
            }
            prev = s;
        }
        writeSnapc = SnapContext.newBuilder().setSeq(seq).addAllSnaps(snaps).build();
    }

    /**
     * Reads from now on see the object as it was at {@code snapId} ({@link #SNAP_HEAD} for the
     * current object again); writes are refused (EROFS) while a snap is set, as librados' are.
     */
    public void setSnapRead(long snapId) {
        readSnap = snapId == SNAP_HEAD ? 0 : snapId;
    }

    /** The snap reads go to ({@link #SNAP_HEAD} for the head). */
    public long snapRead() {
        return readSnap == 0 ? SNAP_HEAD : readSnap;
    }

    /**
     * Makes the object what it was at self-managed snap {@code snapId} (removes it if it did not
     * exist then); a write, under the write snap context.
     */
    public long selfManagedSnapRollback(String oid, long snapId) {
        return join(writeAsync(oid, List.of(OsdOp.newBuilder().setRollback(OpRollback.newBuilder().setSnapId(snapId))
                .build())));
    }

    /** As {@link #selfManagedSnapRollback} to the pool snap named {@code snapName} (NotFound if none). */
    public long snapRollback(String oid, String snapName) {
        return selfManagedSnapRollback(oid, snapLookup(snapName));
    }

    /** The object's clones and the snaps each serves (librados' {@code list_snaps}); NotFound if none. */
    public SnapSetListing listSnaps(String oid) {
        OpReply r = join(objecter.submit(oloc(oid), List.of(OsdOp.newBuilder().setListSnaps(OpListSnaps.getDefaultInstance())
                .build()), writeSnapc, 0));
        return SnapSetListing.of(r.getResults(0).getSnaps());
    }

    public long poolId() {
        return poolId;
    }

    public String poolName() {
        return poolName;
    }

    /** Objects named from now on live in this namespace ("" = the default). */
    public IoCtx namespace(String ns) {
        namespace = ns == null ? "" : ns;
        return this;
    }

    /** Place objects by this key instead of their name ("" = by name). */
    public IoCtx locatorKey(String key) {
        locatorKey = key == null ? "" : key;
        return this;
    }

    private ObjectLocator oloc(String oid) {
        if (oid == null || oid.isEmpty()) {
            throw CairnException.invalid("object name is empty");
        }
        return ObjectLocator.newBuilder().setPool(poolId).setName(oid).setNspace(namespace).setKey(locatorKey).build();
    }

    // ---- async ----

    /** Applies a compound write; completes with the object's new version. */
    public CompletableFuture<Long> operateAsync(String oid, ObjectWriteOperation op) {
        return writeAsync(oid, op.ops());
    }

    private CompletableFuture<Long> writeAsync(String oid, List<OsdOp> ops) {
        if (readSnap != 0) {
            return CompletableFuture.failedFuture(RadosException.of(ErrorCode.EROFS,
                    "reads are set to snap " + readSnap + ": the I/O context is read-only"));
        }
        return objecter.submit(oloc(oid), ops, writeSnapc, 0).thenApply(OpReply::getVersion);
    }

    public CompletableFuture<ReadResult> operateAsync(String oid, ObjectReadOperation op) {
        return objecter.submit(oloc(oid), op.ops(), SnapContext.getDefaultInstance(), readSnap)
                .thenApply(r -> new ReadResult(r.getVersion(), r.getResultsList()));
    }

    public CompletableFuture<Long> writeAsync(String oid, byte[] data, long offset) {
        return operateAsync(oid, new ObjectWriteOperation().write(data, offset));
    }

    public CompletableFuture<Long> writeFullAsync(String oid, byte[] data) {
        return operateAsync(oid, new ObjectWriteOperation().writeFull(data));
    }

    public CompletableFuture<Long> appendAsync(String oid, byte[] data) {
        return operateAsync(oid, new ObjectWriteOperation().append(data));
    }

    public CompletableFuture<byte[]> readAsync(String oid, long length, long offset) {
        return readViewAsync(oid, length, offset).thenApply(b -> {
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        });
    }

    /**
     * As {@link #readAsync}, without the copy into a fresh array: a read-only view of the reply's
     * bytes, for callers that only look at the data (a 4 MiB copy per read was a fifth of
     * {@code rados bench}'s CPU).
     */
    public CompletableFuture<ByteBuffer> readViewAsync(String oid, long length, long offset) {
        return operateAsync(oid, new ObjectReadOperation().read(offset, length))
                .thenApply(r -> r.results().get(0).getData().asReadOnlyByteBuffer());
    }

    /** Removes the object; completes with the version the removal was logged at. */
    public CompletableFuture<Long> removeAsync(String oid) {
        return operateAsync(oid, new ObjectWriteOperation().remove());
    }

    // ---- blocking ----

    private static <T> T join(CompletableFuture<T> f) {
        return Futures.join(f);
    }

    public long operate(String oid, ObjectWriteOperation op) {
        return join(operateAsync(oid, op));
    }

    public ReadResult operate(String oid, ObjectReadOperation op) {
        return join(operateAsync(oid, op));
    }

    public long write(String oid, byte[] data, long offset) {
        return join(writeAsync(oid, data, offset));
    }

    public long writeFull(String oid, byte[] data) {
        return join(writeFullAsync(oid, data));
    }

    public long append(String oid, byte[] data) {
        return join(appendAsync(oid, data));
    }

    public long truncate(String oid, long size) {
        return operate(oid, new ObjectWriteOperation().truncate(size));
    }

    public long remove(String oid) {
        return join(removeAsync(oid));
    }

    /** Reads {@code length} bytes at {@code offset}; length 0 reads to the end. */
    public byte[] read(String oid, long length, long offset) {
        return join(readAsync(oid, length, offset));
    }

    public ObjectInfo stat(String oid) {
        ReadResult r = operate(oid, new ObjectReadOperation().stat());
        OpResult s = r.results().get(0);
        return new ObjectInfo(s.getSize(), s.getMtimeMs(), r.version());
    }

    public long setXattr(String oid, String name, byte[] value) {
        return operate(oid, new ObjectWriteOperation().setXattr(name, value));
    }

    public byte[] getXattr(String oid, String name) {
        return operate(oid, new ObjectReadOperation().getXattr(name)).results().get(0).getData().toByteArray();
    }

    public long rmXattr(String oid, String name) {
        return operate(oid, new ObjectWriteOperation().rmXattr(name));
    }

    public SortedMap<String, byte[]> getXattrs(String oid) {
        SortedMap<String, byte[]> out = new TreeMap<>();
        operate(oid, new ObjectReadOperation().getXattrs()).results().get(0).getXattrsMap()
                .forEach((k, v) -> out.put(k, v.toByteArray()));
        return out;
    }

    public long omapSet(String oid, Map<String, byte[]> entries) {
        return operate(oid, new ObjectWriteOperation().omapSet(entries));
    }

    public long omapRmKeys(String oid, List<String> keys) {
        return operate(oid, new ObjectWriteOperation().omapRmKeys(keys));
    }

    /** Omap values after {@code startAfter} ("" = from the start) with a prefix, at most {@code max}. */
    public SortedMap<String, byte[]> omapGetVals(String oid, String startAfter, String prefix, int max) {
        SortedMap<String, byte[]> out = new TreeMap<>();
        operate(oid, new ObjectReadOperation().omapGetVals(startAfter, prefix, max)).results().get(0).getValsMap()
                .forEach((k, v) -> out.put(k, v.toByteArray()));
        return out;
    }

    public List<String> omapGetKeys(String oid, String startAfter, int max) {
        return operate(oid, new ObjectReadOperation().omapGetKeys(startAfter, max)).results().get(0).getKeysList();
    }

    /** What a compound read returned: the object's version and one result per op. */
    public record ReadResult(long version, List<OpResult> results) { }

    /** An object in a listing. */
    public record ListedObject(String name, String namespace) { }

    /**
     * Every object in the pool (this namespace, or all with {@code allNamespaces}), PG by PG in
     * hash order; the iterator asks the OSDs for one page at a time.
     */
    public Iterator<ListedObject> listObjects(boolean allNamespaces) {
        OsdMap map = objecter.maps().map();
        Pool pool = map.pool(poolId);
        if (pool == null) {
            throw new RadosException.NotFound("pool " + poolName + " does not exist");
        }
        int pgNum = pool.pgNum();
        return new Iterator<>() {
            private int seed;
            private String cursor = "";
            private final List<ListedObject> page = new ArrayList<>();
            private int at;
            private boolean pgDone;

            @Override
            public boolean hasNext() {
                while (at >= page.size()) {
                    if (seed >= pgNum) {
                        return false;
                    }
                    if (pgDone) {
                        seed++;
                        cursor = "";
                        pgDone = false;
                        continue;
                    }
                    ListReply r = objecter.list(poolId, seed, cursor, 1000, namespace, allNamespaces);
                    page.clear();
                    at = 0;
                    for (ListEntry e : r.getEntriesList()) {
                        page.add(new ListedObject(e.getName(), e.getNspace()));
                    }
                    cursor = r.getNextCursor();
                    pgDone = cursor.isEmpty();
                }
                return true;
            }

            @Override
            public ListedObject next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.get(at++);
            }
        };
    }


    @Override
    public void close() {
        // an IoCtx holds no resources of its own; the Rados handle does
    }
}
