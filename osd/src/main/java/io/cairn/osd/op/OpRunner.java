package io.cairn.osd.op;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.IntervalSet;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.OmapKeys;
import io.cairn.objectstore.OmapPage;
import io.cairn.objectstore.OmapQuery;
import io.cairn.objectstore.ReadBuffer;
import io.cairn.objectstore.Transaction;
import io.cairn.osd.snap.SnapContext;
import io.cairn.osd.snap.SnapSet;
import io.cairn.osd.snap.SnapSetCodec;
import io.cairn.proto.v1.CmpOp;
import io.cairn.proto.v1.OpResult;
import io.cairn.proto.v1.OsdOp;
import io.cairn.proto.v1.SnapSetInfo;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Runs one compound operation on one object against this OSD's store: guards and reads against
 * the object as it is, mutations into one {@link Transaction}. Guards run only on the primary;
 * replicas replay the mutations with the version the primary assigned, on the same prior state,
 * so every member ends with the same object. User xattrs live in store attrs named "_" + name;
 * "v" holds the object's version, "m" its mtime and "ss" its SnapSet (objects of pools that have
 * had snaps). A write under a newer snap context first clones the head (clone id = the context's
 * seq) in the same transaction; a clone is the store object of the same name at that snap id.
 */
public final class OpRunner {
    public static final String VERSION_ATTR = "v";
    public static final String MTIME_ATTR = "m";
    public static final String USER_ATTR_PREFIX = "_";
    private static final int OMAP_MAX_DEFAULT = 512;
    private static final byte[] EMPTY = new byte[0];

    private final ObjectStore store;
    private final long maxObjectBytes;
    private final long maxWriteBytes;

    public OpRunner(ObjectStore store, long maxObjectBytes, long maxWriteBytes) {
        this.store = store;
        this.maxObjectBytes = maxObjectBytes;
        this.maxWriteBytes = maxWriteBytes;
    }

    public static boolean isMutation(OsdOp op) {
        return switch (op.getOpCase()) {
            case WRITE, WRITE_FULL, APPEND, TRUNCATE, ZERO, REMOVE, CREATE, SETXATTR, RMXATTR, OMAP_SET, OMAP_RM,
                 OMAP_CLEAR, OMAP_SET_HEADER, ROLLBACK, SNAP_TRIM -> true;
            default -> false;
        };
    }

    public static boolean isGuard(OsdOp op) {
        return switch (op.getOpCase()) {
            case CMPXATTR, ASSERT_EXISTS, ASSERT_VERSION, OMAP_CMP -> true;
            default -> false;
        };
    }

    /** Checks sizes and shapes before anything runs: bad input never reaches the store. */
    public void validate(List<OsdOp> ops) {
        if (ops.isEmpty()) {
            throw CairnException.invalid("an operation needs at least one op");
        }
        boolean mutates = ops.stream().anyMatch(OpRunner::isMutation);
        long writeBytes = 0;
        for (OsdOp op : ops) {
            if (mutates && !isMutation(op) && !isGuard(op) && op.getOpCase() != OsdOp.OpCase.OP_NOT_SET) {
                throw CairnException.invalid("a write operation cannot also read (" + op.getOpCase() + ")");
            }
            switch (op.getOpCase()) {
                case WRITE -> {
                    writeBytes += op.getWrite().getData().size();
                    checkEnd(op.getWrite().getOffset(), op.getWrite().getData().size());
                }
                case WRITE_FULL -> {
                    writeBytes += op.getWriteFull().getData().size();
                    checkEnd(0, op.getWriteFull().getData().size());
                }
                case APPEND -> writeBytes += op.getAppend().getData().size();
                case TRUNCATE -> checkEnd(op.getTruncate().getSize(), 0);
                case ZERO -> checkEnd(op.getZero().getOffset(), op.getZero().getLength());
                case READ -> checkEnd(op.getRead().getOffset(), op.getRead().getLength());
                case SETXATTR, RMXATTR, GETXATTR, CMPXATTR -> {
                    String name = switch (op.getOpCase()) {
                        case SETXATTR -> op.getSetxattr().getName();
                        case RMXATTR -> op.getRmxattr().getName();
                        case GETXATTR -> op.getGetxattr().getName();
                        default -> op.getCmpxattr().getName();
                    };
                    if (name.isEmpty()) {
                        throw CairnException.invalid("an xattr needs a name");
                    }
                }
                case OP_NOT_SET -> throw CairnException.invalid("empty op");
                default -> { }
            }
        }
        if (writeBytes > maxWriteBytes) {
            throw new CairnException(ErrorCode.EFBIG, "write of " + writeBytes + " bytes exceeds osd_max_write_size "
                    + maxWriteBytes);
        }
    }

    private void checkEnd(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > maxObjectBytes || offset + length < 0) {
            throw new CairnException(ErrorCode.EFBIG, "offset " + Long.toUnsignedString(offset) + " + length "
                    + Long.toUnsignedString(length) + " exceeds osd_max_object_size " + maxObjectBytes);
        }
    }

    /** The head's SnapSet: empty when it has none (or the head is not stored). */
    public SnapSet snapSet(CollectionId coll, ObjectId head) {
        return SnapSetCodec.load(store, coll, head);
    }

    /** Whether a client sees the head: stored and not a whiteout. */
    public boolean visible(CollectionId coll, ObjectId head) {
        return store.exists(coll, head) && !snapSet(coll, head).headWhiteout();
    }

    /**
     * A write may not go under a snap context older than one the object was already written under
     * (EOLDSNAPC): its snaps would miss the clones the newer writes made.
     */
    public void checkSnapContext(CollectionId coll, ObjectId head, SnapContext snapc) {
        long seq = snapSet(coll, head).seq();
        if (Long.compareUnsigned(snapc.seq(), seq) < 0) {
            throw new CairnException(ErrorCode.EOLDSNAPC, "snap context seq " + Long.toUnsignedString(snapc.seq())
                    + " is older than the object's " + Long.toUnsignedString(seq));
        }
    }

    /** The object's version, 0 if it does not exist. */
    public long version(CollectionId coll, ObjectId oid) {
        if (!store.exists(coll, oid)) {
            return 0;
        }
        return store.getAttr(coll, oid, VERSION_ATTR).map(OpRunner::decodeLong).orElse(0L);
    }

    /**
     * Evaluates guards, each against the object as the ops before it in the same operation left it;
     * throws the guard's error (ENOENT, EEXIST, ECANCELED, ERANGE, EOVERFLOW) if one fails.
     */
    public void checkGuards(CollectionId coll, ObjectId oid, List<OsdOp> ops) {
        GuardView view = new GuardView(store, coll, oid, () -> visible(coll, oid));
        for (OsdOp op : ops) {
            switch (op.getOpCase()) {
                case ASSERT_EXISTS -> {
                    if (!view.exists()) {
                        throw CairnException.notFound("object does not exist");
                    }
                }
                case ASSERT_VERSION -> checkVersion(coll, oid, view, op.getAssertVersion().getVersion());
                case CMPXATTR -> {
                    if (!view.exists()) {
                        throw CairnException.notFound("object does not exist");
                    }
                    // as Ceph's: a missing xattr compares as an empty value
                    byte[] have = view.xattr(USER_ATTR_PREFIX + op.getCmpxattr().getName()).orElse(EMPTY);
                    if (!compare(have, op.getCmpxattr().getValue().toByteArray(), op.getCmpxattr().getOp())) {
                        throw new CairnException(ErrorCode.ECANCELED, "cmpxattr " + op.getCmpxattr().getName() + " failed");
                    }
                }
                case OMAP_CMP -> {
                    String key = op.getOmapCmp().getKey();
                    Optional<byte[]> have = view.omapValue(key);
                    if (have.isEmpty() || !compare(have.get(), op.getOmapCmp().getValue().toByteArray(),
                            op.getOmapCmp().getOp())) {
                        throw new CairnException(ErrorCode.ECANCELED, "omap cmp on key '" + key + "' failed");
                    }
                }
                case CREATE -> {
                    if (op.getCreate().getExclusive() && view.exists()) {
                        throw CairnException.exists("object exists");
                    }
                    view.created();
                }
                case REMOVE -> {
                    if (!view.exists()) {
                        throw CairnException.notFound("object does not exist");
                    }
                    view.removed();
                }
                default -> follow(view, op);
            }
        }
    }

    /** What a mutation does to the view later guards see. */
    private static void follow(GuardView view, OsdOp op) {
        switch (op.getOpCase()) {
            case WRITE, WRITE_FULL, APPEND, TRUNCATE, OMAP_SET_HEADER -> view.created();
            case SETXATTR -> view.setXattr(USER_ATTR_PREFIX + op.getSetxattr().getName(),
                    op.getSetxattr().getValue().toByteArray());
            case RMXATTR -> view.rmXattr(USER_ATTR_PREFIX + op.getRmxattr().getName());
            case OMAP_SET -> {
                java.util.Map<String, byte[]> entries = new java.util.HashMap<>();
                op.getOmapSet().getEntriesMap().forEach((k, v) -> entries.put(k, v.toByteArray()));
                view.omapSet(entries);
            }
            case OMAP_RM -> view.omapRm(op.getOmapRm().getKeysList());
            case OMAP_CLEAR -> view.omapClear();
            default -> { }
        }
    }

    private void checkVersion(CollectionId coll, ObjectId oid, GuardView view, long want) {
        // an object this operation removed or made anew has no version yet
        long have = view.isStored() ? version(coll, oid) : 0;
        if (want > have) {
            throw new CairnException(ErrorCode.EOVERFLOW, "object version " + have + " < asserted " + want);
        }
        if (want < have) {
            throw new CairnException(ErrorCode.ERANGE, "object version " + have + " > asserted " + want);
        }
    }

    public static boolean compare(byte[] have, byte[] want, CmpOp op) {
        int c = Arrays.compareUnsigned(have, want);
        return switch (op) {
            case CMP_EQ -> c == 0;
            case CMP_NE -> c != 0;
            case CMP_GT -> c > 0;
            case CMP_GTE -> c >= 0;
            case CMP_LT -> c < 0;
            case CMP_LTE -> c <= 0;
            case CMP_NONE, UNRECOGNIZED -> throw CairnException.invalid("comparison operator missing");
        };
    }

    /**
     * What a mutation leaves: whether the head exists for clients, and its size, before and after;
     * the clone it made first (0: none) and the clones it removed, and how the clones' own bytes
     * changed; whether the head is still stored (as itself or as a whiteout).
     */
    public record Mutated(boolean existed, long sizeBefore, boolean exists, long sizeAfter, long cloneMade,
                          List<Long> clonesRemoved, long cloneByteDelta, boolean stored) {
        /** Objects as pool statistics count them: heads a client sees, and clones. */
        public long objectDelta() {
            return (exists ? 1 : 0) - (existed ? 1 : 0) + (cloneMade != 0 ? 1 : 0) - clonesRemoved.size();
        }

        public long byteDelta() {
            return sizeAfter - sizeBefore + cloneByteDelta;
        }
    }

    /**
     * Adds the mutations to {@code txn} as of the object's current state, then stamps version and
     * mtime; the same call on every member gives the same object.
     */
    public Mutated mutate(Transaction txn, CollectionId coll, ObjectId oid, List<OsdOp> ops, long version, long mtimeMs,
                          Optional<SnapContext> snapc) {
        boolean inStore = store.exists(coll, oid);
        SnapSet before = inStore && snapc.isPresent() ? snapSet(coll, oid) : SnapSet.EMPTY;
        boolean existed = inStore && !before.headWhiteout();
        HeadShape shape = new HeadShape(existed, existed ? store.stat(coll, oid).sizeBytes() : 0, inStore, before);
        long sizeBefore = shape.size;
        if (snapc.isPresent()) {
            HeadSnapshots.cloneBeforeWrite(txn, coll, oid, snapc.get(), shape);
        }
        for (OsdOp op : ops) {
            if (!mutateData(txn, coll, oid, op, shape)) {
                mutateMeta(txn, coll, oid, op, shape);
            }
        }
        // the trimmer changes only clones and the SnapSet: the object's version and mtime stay the client's
        boolean stamp = !ops.stream().allMatch(OsdOp::hasSnapTrim);
        if (snapc.isPresent()) {
            HeadSnapshots.keepSnapSet(txn, coll, oid, shape, snapc.get(), stamp ? version : 0, before);
        }
        if (shape.exists && stamp) {
            txn.setAttr(coll, oid, VERSION_ATTR, encodeLong(version));
            txn.setAttr(coll, oid, MTIME_ATTR, encodeLong(mtimeMs));
        }
        if (snapc.isEmpty()) {
            return new Mutated(existed, sizeBefore, shape.exists, shape.exists ? shape.size : 0, 0, List.of(), 0,
                    shape.inStore);
        }
        List<Long> kept = shape.snaps.clones().stream().map(SnapSet.Clone::id).toList();
        long made = kept.isEmpty() || before.clone(kept.get(kept.size() - 1)).isPresent() ? 0 : kept.get(kept.size() - 1);
        List<Long> removed = before.clones().stream().map(SnapSet.Clone::id).filter(id -> !kept.contains(id)).toList();
        return new Mutated(existed, sizeBefore, shape.exists, shape.exists ? shape.size : 0, made, removed,
                shape.snaps.cloneBytes() - before.cloneBytes(), shape.inStore);
    }

    /** The data ops (create, writes, truncate, zero, remove); false for any other op. */
    private boolean mutateData(Transaction txn, CollectionId coll, ObjectId oid, OsdOp op, HeadShape shape) {
        switch (op.getOpCase()) {
            case CREATE -> shape.ensure(txn, coll, oid);
            case WRITE -> {
                // a payload goes to the store as a view of the request's bytes, never copied
                ByteString data = op.getWrite().getData();
                // a write makes the object by itself: no touch first
                txn.write(coll, oid, op.getWrite().getOffset(), data.asReadOnlyByteBuffer());
                shape.changed(op.getWrite().getOffset(), data.size());
                shape.size = Math.max(shape.size, op.getWrite().getOffset() + data.size());
                shape.exists = true;
                shape.inStore = true;
            }
            case WRITE_FULL -> {
                ByteString data = op.getWriteFull().getData();
                if (shape.exists) {
                    txn.truncate(coll, oid, 0);
                }
                shape.ensure(txn, coll, oid);
                if (!data.isEmpty()) {
                    txn.write(coll, oid, 0, data.asReadOnlyByteBuffer());
                }
                shape.changed(0, Math.max(shape.size, data.size()));
                shape.size = data.size();
            }
            case APPEND -> {
                ByteString data = op.getAppend().getData();
                if (shape.size + data.size() > maxObjectBytes) {
                    throw new CairnException(ErrorCode.EFBIG, "append would make the object larger than "
                            + maxObjectBytes + " bytes");
                }
                shape.ensure(txn, coll, oid);
                if (!data.isEmpty()) {
                    txn.write(coll, oid, shape.size, data.asReadOnlyByteBuffer());
                }
                shape.changed(shape.size, data.size());
                shape.size += data.size();
            }
            case TRUNCATE -> {
                shape.ensure(txn, coll, oid);
                txn.truncate(coll, oid, op.getTruncate().getSize());
                shape.changed(Math.min(shape.size, op.getTruncate().getSize()),
                        Math.max(0, shape.size - op.getTruncate().getSize()));
                shape.size = op.getTruncate().getSize();
            }
            case ZERO -> {
                long end = Math.min(shape.size, op.getZero().getOffset() + op.getZero().getLength());
                if (shape.exists && end > op.getZero().getOffset()) {
                    txn.zero(coll, oid, op.getZero().getOffset(), end - op.getZero().getOffset());
                    shape.changed(op.getZero().getOffset(), end - op.getZero().getOffset());
                }
            }
            case REMOVE -> shape.remove(txn, coll, oid);
            case ROLLBACK -> HeadSnapshots.rollback(txn, coll, oid, op.getRollback().getSnapId(), shape);
            case SNAP_TRIM -> HeadSnapshots.trimClones(txn, coll, oid, op.getSnapTrim().getSnapsList(), shape);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The xattr and omap ops; reads and guards change nothing. */
    private static void mutateMeta(Transaction txn, CollectionId coll, ObjectId oid, OsdOp op, HeadShape shape) {
        switch (op.getOpCase()) {
            case SETXATTR -> {
                shape.ensure(txn, coll, oid);
                txn.setAttr(coll, oid, USER_ATTR_PREFIX + op.getSetxattr().getName(),
                        op.getSetxattr().getValue().toByteArray());
            }
            case RMXATTR -> {
                if (shape.exists) {
                    txn.rmAttr(coll, oid, USER_ATTR_PREFIX + op.getRmxattr().getName());
                }
            }
            case OMAP_SET -> {
                shape.ensure(txn, coll, oid);
                SortedMap<String, byte[]> entries = new TreeMap<>();
                op.getOmapSet().getEntriesMap().forEach((k, v) -> entries.put(k, v.toByteArray()));
                txn.omapSetKeys(coll, oid, entries);
            }
            case OMAP_RM -> {
                if (shape.exists) {
                    txn.omapRmKeys(coll, oid, op.getOmapRm().getKeysList());
                }
            }
            case OMAP_CLEAR -> {
                if (shape.exists) {
                    // Ceph's omap_clear drops the header too
                    txn.omapClear(coll, oid);
                    txn.omapSetHeader(coll, oid, EMPTY);
                }
            }
            case OMAP_SET_HEADER -> {
                shape.ensure(txn, coll, oid);
                txn.omapSetHeader(coll, oid, op.getOmapSetHeader().getHeader().toByteArray());
            }
            default -> { }
        }
    }

    /**
     * The store object a read at {@code snapId} (0 = the head) sees: the head, the clone that holds
     * the snap, or empty when the object did not exist then (or the head is a whiteout).
     * {@code snaps}: the pool has had snaps (otherwise no object has a SnapSet to read).
     */
    public Optional<ObjectId> readTarget(CollectionId coll, ObjectId head, long snapId, boolean snaps) {
        boolean inStore = store.exists(coll, head);
        SnapSet ss = snaps && inStore ? snapSet(coll, head) : SnapSet.EMPTY;
        OptionalLong target = ss.readTarget(snapId == 0 ? SnapSet.HEAD : snapId, inStore && !ss.headWhiteout());
        return target.isEmpty() ? Optional.empty() : Optional.of(head.withSnap(target.getAsLong()));
    }

    /** An operation made only of list_snaps reads the head's SnapSet, whatever the object is at a snap. */
    public static boolean onlyListsSnaps(List<OsdOp> ops) {
        return ops.stream().allMatch(OsdOp::hasListSnaps);
    }

    /**
     * A read's bytes for its reply: a view of them when they are an array (valid while the buffer is
     * lent, which outlasts the reply's sending), else a copy. Protobuf copies any buffer but an
     * array's when wrapping it, so the copy is made here, where it can be seen.
     */
    static ByteString replyBytes(ReadBuffer data) {
        return data.array().map(a -> UnsafeByteOperations.unsafeWrap(a.array(), a.offset(), a.length()))
                .orElseGet(() -> ByteString.copyFrom(data.bytes()));
    }

    /**
     * Runs the reads of a read operation on {@code target}, the store object the read sees (guards
     * checked first by the caller; empty when there is none: every read but list_snaps gets
     * ENOENT). Object data comes back as views of store buffers added to {@code lent}, which the
     * caller gives back once the results are no longer used.
     */
    public List<OpResult> read(CollectionId coll, ObjectId head, Optional<ObjectId> target, List<OsdOp> ops,
                               LentBuffers lent) {
        boolean exists = target.isPresent();
        ObjectId oid = target.orElse(head);
        java.util.ArrayList<OpResult> results = new java.util.ArrayList<>();
        for (OsdOp op : ops) {
            if (isGuard(op)) {
                results.add(OpResult.getDefaultInstance());
                continue;
            }
            if (op.hasListSnaps()) {
                results.add(OpResult.newBuilder().setSnaps(listSnaps(coll, head)).build());
                continue;
            }
            if (!exists) {
                throw CairnException.notFound("object does not exist");
            }
            results.add(switch (op.getOpCase()) {
                case READ -> {
                    long size = store.stat(coll, oid).sizeBytes();
                    long off = op.getRead().getOffset();
                    long len = op.getRead().getLength() == 0 ? Math.max(0, size - off) : op.getRead().getLength();
                    len = Math.max(0, Math.min(len, size - off));
                    if (len == 0) {
                        yield OpResult.newBuilder().setSize(0).build();
                    }
                    ReadBuffer data = store.readBuffer(coll, oid, off, len);
                    lent.add(data);
                    yield OpResult.newBuilder().setData(replyBytes(data)).setSize(data.length()).build();
                }
                case STAT -> OpResult.newBuilder().setSize(store.stat(coll, oid).sizeBytes())
                        .setMtimeMs(store.getAttr(coll, oid, MTIME_ATTR).map(OpRunner::decodeLong).orElse(0L)).build();
                case GETXATTR -> {
                    Optional<byte[]> v = store.getAttr(coll, oid, USER_ATTR_PREFIX + op.getGetxattr().getName());
                    if (v.isEmpty()) {
                        throw new CairnException(ErrorCode.ENODATA, "no xattr '" + op.getGetxattr().getName() + "'");
                    }
                    yield OpResult.newBuilder().setData(ByteString.copyFrom(v.get())).build();
                }
                case GETXATTRS -> {
                    OpResult.Builder b = OpResult.newBuilder();
                    store.getAttrs(coll, oid).forEach((k, v) -> {
                        if (k.startsWith(USER_ATTR_PREFIX)) {
                            b.putXattrs(k.substring(USER_ATTR_PREFIX.length()), ByteString.copyFrom(v));
                        }
                    });
                    yield b.build();
                }
                case OMAP_GET_KEYS -> {
                    OmapKeys keys = store.omapGetKeys(coll, oid, query(op.getOmapGetKeys().getStartAfter(), "",
                            op.getOmapGetKeys().getMax()));
                    yield OpResult.newBuilder().addAllKeys(keys.keys()).setMore(keys.more()).build();
                }
                case OMAP_GET_VALS -> {
                    OmapPage page = store.omapGetValues(coll, oid, query(op.getOmapGetVals().getStartAfter(),
                            op.getOmapGetVals().getPrefix(), op.getOmapGetVals().getMax()));
                    OpResult.Builder b = OpResult.newBuilder().setMore(page.more());
                    page.entries().forEach((k, v) -> b.putVals(k, ByteString.copyFrom(v)));
                    yield b.build();
                }
                case OMAP_GET_VALS_BY_KEYS -> {
                    OpResult.Builder b = OpResult.newBuilder();
                    store.omapGetValuesByKeys(coll, oid, new HashSet<>(op.getOmapGetValsByKeys().getKeysList()))
                            .forEach((k, v) -> b.putVals(k, ByteString.copyFrom(v)));
                    yield b.build();
                }
                case OMAP_GET_HEADER -> OpResult.newBuilder()
                        .setData(ByteString.copyFrom(store.omapGetHeader(coll, oid))).build();
                default -> throw CairnException.invalid("not a read: " + op.getOpCase());
            });
        }
        return results;
    }

    /**
     * librados' list_snaps: the clones oldest first, each with its snaps (ascending), overlap and size, then the
     * head (id {@link SnapSet#HEAD}, no snaps) when it exists; and the SnapSet's seq.
     */
    private SnapSetInfo listSnaps(CollectionId coll, ObjectId head) {
        if (!store.exists(coll, head)) {
            throw CairnException.notFound("object does not exist");
        }
        SnapSet ss = snapSet(coll, head);
        SnapSetInfo.Builder b = SnapSetInfo.newBuilder().setSeq(ss.seq());
        for (SnapSet.Clone c : ss.clones()) {
            // librados lists a clone's snaps oldest first
            b.addClones(SnapSetCodec.cloneInfo(c.id(), c.snaps().reversed(), c.overlap(), c.sizeBytes()));
        }
        if (!ss.headWhiteout()) {
            b.addClones(SnapSetCodec.cloneInfo(SnapSet.HEAD, List.of(), IntervalSet.EMPTY,
                    store.stat(coll, head).sizeBytes()));
        }
        return b.build();
    }

    private static OmapQuery query(String startAfter, String prefix, int max) {
        int limit = max <= 0 ? OMAP_MAX_DEFAULT : Math.min(max, OmapQuery.LIMIT_MAX);
        return new OmapQuery(startAfter.isEmpty() ? Optional.empty() : Optional.of(startAfter), prefix, limit);
    }

    public static byte[] encodeLong(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    public static long decodeLong(byte[] b) {
        return b.length == 8 ? ByteBuffer.wrap(b).getLong() : 0L;
    }
}
