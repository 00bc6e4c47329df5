package io.cairn.osd.pg;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.OmapPage;
import io.cairn.objectstore.OmapQuery;
import io.cairn.objectstore.Transaction;
import io.cairn.osd.peering.Eversion;
import io.cairn.osd.peering.LogEntry;
import io.cairn.osd.peering.PgInfo;
import io.cairn.osd.peering.PgLog;
import io.cairn.osd.snap.SnapMapper;
import io.cairn.osd.snap.SnapSet;
import io.cairn.osd.snap.SnapSetCodec;
import io.cairn.proto.v1.CloneState;
import io.cairn.proto.v1.ObjectLocator;
import io.cairn.proto.v1.ObjectState;
import io.cairn.proto.v1.PgLogEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's copy of a PG in the store: its PG log (version → entry, in the pgmeta object's
 * omap, keyed by the version number so keys sort in log order), its info (last_update, log tail,
 * last_epoch_started, last_epoch_clean, as pgmeta attrs) and whole-object states read out and
 * written in for recovery. The log keeps the newest {@code LOG_ENTRIES_KEPT} entries; the tail
 * records the newest entry trimmed, so peering knows which members the log can still cover.
 */
public final class PgCopies {
    private static final Logger LOG = LoggerFactory.getLogger(PgCopies.class);
    public static final ObjectId PGMETA = new ObjectId("pgmeta", ".cairn", ObjectId.HEAD, 0);
    public static final String LAST_UPDATE_ATTR = "last_update";
    public static final String LOG_TAIL_ATTR = "log_tail";
    public static final String LES_ATTR = "les";
    public static final String LEC_ATTR = "lec";
    /** Present only while the copy lacks objects its log names after this entry. */
    public static final String LAST_COMPLETE_ATTR = "last_complete";
    /** The pool's pg_num this copy was created or last split for. */
    public static final String PG_NUM_ATTR = "pg_num";
    public static final long LOG_ENTRIES_KEPT = 3000;
    private static final long TRIM_EVERY = 256;
    private static final int PAGE = 1000;
    private static final int CLONE_PAGE = 64;
    private static final int PAGES_MAX = 100_000;

    /** Ceph's osd_recovery_max_chunk default: what tests and tools get unless they say otherwise. */
    public static final long TRANSFER_CHUNK_BYTES_DEFAULT = 8L << 20;

    private final ObjectStore store;
    private final ObjectPieces pieces;
    private final LongSupplier transferChunkBytes;

    public PgCopies(ObjectStore store) {
        this(store, () -> TRANSFER_CHUNK_BYTES_DEFAULT);
    }

    /** {@code transferChunkBytes}: most object data one recovery, backfill or repair message carries. */
    public PgCopies(ObjectStore store, LongSupplier transferChunkBytes) {
        this.store = store;
        this.pieces = new ObjectPieces(store, this);
        this.transferChunkBytes = transferChunkBytes;
    }

    /** Objects copied in pieces: how this member reads and writes them. */
    public ObjectPieces pieces() {
        return pieces;
    }

    public long transferChunkBytes() {
        return transferChunkBytes.getAsLong();
    }

    public static String key(long version) {
        return String.format("%020d", version);
    }

    public static byte[] encode(Eversion v) {
        return ByteBuffer.allocate(12).putInt(v.epoch()).putLong(v.version()).array();
    }

    public static Eversion decode(byte[] b) {
        if (b.length == 12) {
            ByteBuffer bb = ByteBuffer.wrap(b);
            return new Eversion(bb.getInt(), bb.getLong());
        }
        return b.length == 8 ? new Eversion(0, ByteBuffer.wrap(b).getLong()) : Eversion.ZERO;
    }

    private boolean hasMeta(CollectionId coll) {
        return store.collectionExists(coll) && store.exists(coll, PGMETA);
    }

    private Eversion attrEversion(CollectionId coll, String name) {
        return store.getAttr(coll, PGMETA, name).map(PgCopies::decode).orElse(Eversion.ZERO);
    }

    private int attrInt(CollectionId coll, String name) {
        return store.getAttr(coll, PGMETA, name).map(b -> b.length == 4 ? ByteBuffer.wrap(b).getInt() : 0).orElse(0);
    }

    public Eversion lastUpdate(CollectionId coll) {
        return hasMeta(coll) ? attrEversion(coll, LAST_UPDATE_ATTR) : Eversion.ZERO;
    }

    public PgInfo info(CollectionId coll) {
        if (!hasMeta(coll)) {
            return PgInfo.EMPTY;
        }
        Eversion lu = attrEversion(coll, LAST_UPDATE_ATTR);
        Eversion tail = attrEversion(coll, LOG_TAIL_ATTR);
        Eversion lc = store.getAttr(coll, PGMETA, LAST_COMPLETE_ATTR).map(PgCopies::decode).orElse(lu);
        return new PgInfo(lu, tail.newerThan(lu) ? lu : tail, attrInt(coll, LES_ATTR), attrInt(coll, LEC_ATTR),
                lc.newerThan(lu) ? lu : lc);
    }

    /**
     * True when the log holds the entry {@code v} itself: the write it names is already here,
     * applied or brought by recovery, and applying it again would apply it twice.
     */
    public boolean holds(CollectionId coll, Eversion v) {
        if (!hasMeta(coll)) {
            return false;
        }
        byte[] b = store.omapGetValuesByKeys(coll, PGMETA, java.util.Set.of(key(v.version()))).get(key(v.version()));
        return b != null && parse(b).getVersion().getEpoch() == v.epoch();
    }

    /**
     * Records a log entry (and last_update), trimming the oldest entries now and then; {@code cloneMade}
     * and {@code clonesRemoved} name the write's snapshot changes (0 and none for most writes).
     */
    public void record(Transaction txn, CollectionId coll, Eversion version, ObjectLocator oloc, boolean delete,
                boolean raiseLastUpdate, String reqid, long cloneMade, List<Long> clonesRemoved) {
        PgLogEntry e = PgLogEntry.newBuilder().setVersion(Versions.toProto(version)).setOloc(oloc)
                .setDelete(delete).setReqid(reqid).setClone(cloneMade).addAllClonesRemoved(clonesRemoved).build();
        txn.omapSetKeys(coll, PGMETA, Map.of(key(version.version()), e.toByteArray()));
        if (raiseLastUpdate) {
            txn.setAttr(coll, PGMETA, LAST_UPDATE_ATTR, encode(version));
        }
        if (version.version() % TRIM_EVERY == 0 && version.version() > LOG_ENTRIES_KEPT) {
            long cut = version.version() - LOG_ENTRIES_KEPT;
            newestBefore(coll, cut).ifPresent(t -> txn.setAttr(coll, PGMETA, LOG_TAIL_ATTR, encode(t)));
            txn.omapRmRange(coll, PGMETA, key(0), key(cut));
        }
    }

    /** The newest entry below version {@code cut}: at most one trim's worth of entries lies there. */
    private Optional<Eversion> newestBefore(CollectionId coll, long cut) {
        Eversion newest = null;
        String start = null;
        for (int page = 0; page < PAGES_MAX; page++) {
            OmapPage p = store.omapGetValues(coll, PGMETA, new OmapQuery(Optional.ofNullable(start), "", PAGE));
            for (Map.Entry<String, byte[]> en : p.entries().entrySet()) {
                if (en.getKey().compareTo(key(cut)) >= 0) {
                    return Optional.ofNullable(newest);
                }
                newest = Versions.fromProto(parse(en.getValue()).getVersion());
            }
            if (!p.more() || p.entries().isEmpty()) {
                break;
            }
            start = p.entries().lastKey();
        }
        return Optional.ofNullable(newest);
    }

    public void setLastUpdate(Transaction txn, CollectionId coll, Eversion v) {
        txn.setAttr(coll, PGMETA, LAST_UPDATE_ATTR, encode(v));
    }

    /** The pool's pg_num this copy was made or split for (0 if not recorded). */
    public int pgNum(CollectionId coll) {
        return hasMeta(coll) ? attrInt(coll, PG_NUM_ATTR) : 0;
    }

    public void setPgNum(Transaction txn, CollectionId coll, int pgNum) {
        txn.setAttr(coll, PGMETA, PG_NUM_ATTR, ByteBuffer.allocate(4).putInt(pgNum).array());
    }

    /**
     * A PG split from a parent whose info was {@code parent}: the parent's log tail, epochs and
     * last_complete, its own share of the log, and last_update at the newest entry of that share.
     */
    public void initSplit(Transaction txn, CollectionId coll, PgInfo parent, List<LogEntry> entries, long pool, int pgNum) {
        txn.touch(coll, PGMETA);
        txn.setAttr(coll, PGMETA, LOG_TAIL_ATTR, encode(parent.logTail()));
        setLastUpdate(txn, coll, new PgLog(parent.logTail(), entries).head());
        setLastEpochStarted(txn, coll, parent.lastEpochStarted());
        setLastEpochClean(txn, coll, parent.lastEpochClean());
        if (!parent.isComplete()) {
            setLastComplete(txn, coll, parent.lastComplete());
        }
        recordEntries(txn, coll, pool, entries);
        setPgNum(txn, coll, pgNum);
    }

    /** Drops these entries from the log (they moved to a PG split off this one). */
    public void removeEntries(Transaction txn, CollectionId coll, List<LogEntry> entries) {
        if (!entries.isEmpty()) {
            txn.omapRmKeys(coll, PGMETA, entries.stream().map(e -> key(e.version().version())).toList());
        }
    }

    /** The copy went active lacking objects its log names after {@code v}; cleared by {@link #markComplete}. */
    public void setLastComplete(Transaction txn, CollectionId coll, Eversion v) {
        txn.setAttr(coll, PGMETA, LAST_COMPLETE_ATTR, encode(v));
    }

    /** Every object the log names is here again. */
    public void markComplete(Transaction txn, CollectionId coll) {
        txn.rmAttr(coll, PGMETA, LAST_COMPLETE_ATTR);
    }

    public void setLastEpochStarted(Transaction txn, CollectionId coll, int epoch) {
        txn.setAttr(coll, PGMETA, LES_ATTR, ByteBuffer.allocate(4).putInt(epoch).array());
    }

    public void setLastEpochClean(Transaction txn, CollectionId coll, int epoch) {
        txn.setAttr(coll, PGMETA, LEC_ATTR, ByteBuffer.allocate(4).putInt(epoch).array());
    }

    /** Rolls a divergent member's log back to {@code to}: its later entries are gone, last_update is {@code to}. */
    public void rewind(Transaction txn, CollectionId coll, Eversion to) {
        txn.omapRmRange(coll, PGMETA, key(to.version() + 1), key(Long.MAX_VALUE));
        txn.setAttr(coll, PGMETA, LAST_UPDATE_ATTR, encode(to));
    }

    /** After a backfill the member's history is the copy itself: an empty log whose tail is {@code at}. */
    public void resetLog(Transaction txn, CollectionId coll, Eversion at) {
        txn.omapRmRange(coll, PGMETA, key(0), key(Long.MAX_VALUE));
        txn.setAttr(coll, PGMETA, LOG_TAIL_ATTR, encode(at));
        txn.setAttr(coll, PGMETA, LAST_UPDATE_ATTR, encode(at));
    }

    /**
     * The log after {@code after} (or after the log's own tail, when it no longer reaches back
     * that far). Entries out of order, which only a damaged log holds, are left out.
     */
    public PgLog log(CollectionId coll, Eversion after) {
        if (!hasMeta(coll)) {
            return new PgLog(after, List.of());
        }
        Eversion tail = Eversion.max(after, info(coll).logTail());
        List<LogEntry> out = new ArrayList<>();
        Eversion prev = tail;
        String start = key(tail.version());
        for (int page = 0; page < PAGES_MAX; page++) {
            OmapPage p = store.omapGetValues(coll, PGMETA, new OmapQuery(Optional.of(start), "", PAGE));
            for (Map.Entry<String, byte[]> en : p.entries().entrySet()) {
                LogEntry le = fromProto(parse(en.getValue()));
                Eversion v = le.version();
                if (v.newerThan(prev)) {
                    out.add(le);
                    prev = v;
                } else if (v.newerThan(tail)) {
                    LOG.warn("{}: log entry {} is not after {}: left out", coll, v, prev);
                }
            }
            if (!p.more() || p.entries().isEmpty()) {
                break;
            }
            start = p.entries().lastKey();
        }
        return new PgLog(tail, out);
    }

    /**
     * Writes another member's log entries into this one (keys by version, so an entry already
     * here is replaced by the same entry): the authoritative history, with its request ids,
     * travels with recovery.
     */
    public void recordEntries(Transaction txn, CollectionId coll, long pool, List<LogEntry> entries) {
        Map<String, byte[]> kv = new HashMap<>();
        for (LogEntry e : entries) {
            kv.put(key(e.version().version()), toProto(pool, e).toByteArray());
        }
        if (!kv.isEmpty()) {
            txn.omapSetKeys(coll, PGMETA, kv);
        }
    }

    /** The client requests the log holds, oldest first, with the version each was given. */
    public List<Map.Entry<String, Long>> requests(CollectionId coll) {
        List<Map.Entry<String, Long>> out = new ArrayList<>();
        if (!hasMeta(coll)) {
            return out;
        }
        String start = null;
        for (int page = 0; page < PAGES_MAX; page++) {
            OmapPage p = store.omapGetValues(coll, PGMETA, new OmapQuery(Optional.ofNullable(start), "", PAGE));
            for (byte[] v : p.entries().values()) {
                PgLogEntry le = parse(v);
                if (!le.getReqid().isEmpty()) {
                    out.add(Map.entry(le.getReqid(), le.getVersion().getVersion()));
                }
            }
            if (!p.more() || p.entries().isEmpty()) {
                break;
            }
            start = p.entries().lastKey();
        }
        return out;
    }

    /** A log entry as it is stored and sent. */
    public static PgLogEntry toProto(long pool, LogEntry e) {
        return PgLogEntry.newBuilder().setVersion(Versions.toProto(e.version()))
                .setOloc(ObjectIds.locatorOf(pool, e.object())).setDelete(e.delete()).setReqid(e.reqid())
                .setClone(e.cloneMade()).addAllClonesRemoved(e.clonesRemoved()).build();
    }

    public static LogEntry fromProto(PgLogEntry e) {
        return new LogEntry(Versions.fromProto(e.getVersion()), ObjectIds.nameOf(e.getOloc()), e.getDelete(), e.getReqid(),
                e.getClone(), e.getClonesRemovedList());
    }

    private static PgLogEntry parse(byte[] b) {
        try {
            return PgLogEntry.parseFrom(b);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt PG log entry", e);
        }
    }

    /**
     * Everything about one object on this member (or exists=false): the head as stored (a whiteout
     * too) with every clone of it, so an object travels with its snapshots.
     */
    public ObjectState read(CollectionId coll, ObjectId oid) {
        if (!store.collectionExists(coll) || !store.exists(coll, oid)) {
            return ObjectState.newBuilder().setExists(false).build();
        }
        ObjectState.Builder b = readOne(coll, oid).toBuilder();
        for (ObjectId clone : clonesOf(coll, oid)) {
            b.addClones(CloneState.newBuilder().setSnap(clone.snap()).setState(readOne(coll, clone)));
        }
        return b.build();
    }

    /**
     * The clones of a head in this copy, oldest first: the store objects of the same name at a snap
     * id (they sort just before the head).
     */
    public List<ObjectId> clonesOf(CollectionId coll, ObjectId head) {
        return listWhile(coll, head.withSnap(0), CLONE_PAGE, o -> o.hash() == head.hash()
                && o.name().equals(head.name()) && o.namespace().equals(head.namespace()) && o.snap() != ObjectId.HEAD);
    }

    /** The objects listed after {@code after}, in store order, up to the first that {@code keep} refuses. */
    List<ObjectId> listWhile(CollectionId coll, ObjectId after, int pageSize, Predicate<ObjectId> keep) {
        List<ObjectId> out = new ArrayList<>();
        Optional<ObjectId> from = Optional.of(after);
        for (int page = 0; page < PAGES_MAX; page++) {
            var lp = store.list(coll, from, pageSize);
            for (ObjectId o : lp.objects()) {
                if (!keep.test(o)) {
                    return out;
                }
                out.add(o);
            }
            if (lp.next().isEmpty() || lp.objects().isEmpty()) {
                break;
            }
            from = Optional.of(lp.objects().get(lp.objects().size() - 1));
        }
        return out;
    }

    /** A stored head's SnapSet (empty when it has none or is not here). */
    public SnapSet snapSet(CollectionId coll, ObjectId head) {
        return SnapSetCodec.load(store, coll, head);
    }

    private ObjectState readOne(CollectionId coll, ObjectId oid) {
        ObjectState.Builder b = ObjectState.newBuilder().setExists(true);
        long size = store.stat(coll, oid).sizeBytes();
        if (size > 0) {
            b.setData(UnsafeByteOperations.unsafeWrap(store.read(coll, oid, 0, size)));
        }
        return readMeta(b, coll, oid).build();
    }

    /** Adds a stored object's attrs, omap and omap header to {@code b}. */
    ObjectState.Builder readMeta(ObjectState.Builder b, CollectionId coll, ObjectId oid) {
        store.getAttrs(coll, oid).forEach((k, v) -> b.putAttrs(k, ByteString.copyFrom(v)));
        String start = null;
        for (int page = 0; page < PAGES_MAX; page++) {
            OmapPage p = store.omapGetValues(coll, oid, new OmapQuery(Optional.ofNullable(start), "", PAGE));
            p.entries().forEach((k, v) -> b.putOmap(k, ByteString.copyFrom(v)));
            if (!p.more() || p.entries().isEmpty()) {
                break;
            }
            start = p.entries().lastKey();
        }
        byte[] header = store.omapGetHeader(coll, oid);
        if (header.length > 0) {
            b.setOmapHeader(ByteString.copyFrom(header));
        }
        return b;
    }

    /**
     * Replaces this member's copy of an object and its clones with {@code state} (removing them if
     * it does not exist); the PG's snap index follows.
     */
    public void write(Transaction txn, CollectionId coll, ObjectId oid, ObjectState state) {
        if (state.getPiece()) {
            throw new IllegalArgumentException("a piece of " + oid + " written as a whole object");
        }
        boolean collExists = store.collectionExists(coll);
        Set<Long> incoming = new HashSet<>();
        state.getClonesList().forEach(c -> incoming.add(c.getSnap()));
        for (ObjectId clone : collExists ? clonesOf(coll, oid) : List.<ObjectId>of()) {
            // one the state brings is replaced below (a second remove in one transaction would fail it)
            if (!incoming.contains(clone.snap())) {
                txn.remove(coll, clone);
            }
        }
        SnapSet before = collExists ? snapSet(coll, oid) : SnapSet.EMPTY;
        SnapMapper.update(txn, coll, oid, before, snapSetOf(state));
        writeOne(txn, coll, oid, state);
        for (CloneState c : state.getClonesList()) {
            if (c.getSnap() == 0 || c.getSnap() == ObjectId.HEAD) {
                throw new IllegalArgumentException("clone of " + oid + " with snap id " + c.getSnap());
            }
            writeOne(txn, coll, oid.withSnap(c.getSnap()), c.getState());
        }
    }

    private void writeOne(Transaction txn, CollectionId coll, ObjectId oid, ObjectState state) {
        if (store.exists(coll, oid)) {
            txn.remove(coll, oid);
        }
        if (!state.getExists()) {
            return;
        }
        txn.touch(coll, oid);
        if (!state.getData().isEmpty()) {
            txn.write(coll, oid, 0, state.getData().asReadOnlyByteBuffer());
        }
        writeMeta(txn, coll, oid, state);
    }

    /** Sets {@code state}'s attrs, omap and omap header on an object the transaction has made. */
    static void writeMeta(Transaction txn, CollectionId coll, ObjectId oid, ObjectState state) {
        Map<String, byte[]> attrs = new HashMap<>();
        state.getAttrsMap().forEach((k, v) -> attrs.put(k, v.toByteArray()));
        if (!attrs.isEmpty()) {
            txn.setAttrs(coll, oid, attrs);
        }
        Map<String, byte[]> omap = new HashMap<>();
        state.getOmapMap().forEach((k, v) -> omap.put(k, v.toByteArray()));
        if (!omap.isEmpty()) {
            txn.omapSetKeys(coll, oid, omap);
        }
        if (!state.getOmapHeader().isEmpty()) {
            txn.omapSetHeader(coll, oid, state.getOmapHeader().toByteArray());
        }
    }

    /** Every client object in this member's copy (heads: clones travel with theirs), as locators (for backfill). */
    public List<ObjectLocator> objects(CollectionId coll, long pool) {
        List<ObjectLocator> out = new ArrayList<>();
        forEachClientObject(coll, o -> {
            if (o.snap() != ObjectId.HEAD) {
                return;
            }
            byte[] key = store.getAttr(coll, o, KEY_ATTR).orElse(new byte[0]);
            out.add(ObjectLocator.newBuilder().setPool(pool).setName(o.name()).setNspace(o.namespace())
                    .setKey(new String(key, StandardCharsets.UTF_8)).build());
        });
        return out;
    }

    /**
     * Client objects and their bytes in this copy: {objects, bytes}, by one scan of the heads (taken
     * once per activation). Counted as writes count them: heads a client sees and clones; a head's
     * bytes and the bytes its clones no longer share with it (whiteouts count for nothing).
     */
    public long[] counts(CollectionId coll) {
        long[] out = new long[2];
        forEachClientObject(coll, o -> {
            if (o.snap() == ObjectId.HEAD) {
                long[] one = statsOf(coll, o);
                out[0] += one[0];
                out[1] += one[1];
            }
        });
        return out;
    }

    /** {objects, bytes} a head and its clones count for in pool statistics, as stored here. */
    public long[] statsOf(CollectionId coll, ObjectId head) {
        if (!store.exists(coll, head)) {
            return new long[2];
        }
        SnapSet ss = snapSet(coll, head);
        return statsOf(!ss.headWhiteout(), store.stat(coll, head).sizeBytes(), ss);
    }

    /** The SnapSet a head read out by {@link #read} (or its first piece) carries in its attrs. */
    static SnapSet snapSetOf(ObjectState state) {
        ByteString ss = state.getAttrsMap().get(SnapSetCodec.ATTR);
        return state.getExists() && ss != null ? SnapSetCodec.decode(ss.toByteArray()) : SnapSet.EMPTY;
    }

    private static long[] statsOf(boolean visible, long headBytes, SnapSet ss) {
        return new long[] {(visible ? 1 : 0) + ss.clones().size(), (visible ? headBytes : 0) + ss.cloneBytes()};
    }

    /** Walks the copy's client objects in order, a store page at a time (nothing if it is gone). */
    private void forEachClientObject(CollectionId coll, java.util.function.Consumer<ObjectId> each) {
        if (!store.collectionExists(coll)) {
            return;
        }
        Optional<ObjectId> after = Optional.empty();
        for (int page = 0; page < PAGES_MAX; page++) {
            var lp = store.list(coll, after, PAGE);
            for (ObjectId o : lp.objects()) {
                if (ObjectIds.isClientObject(o)) {
                    each.accept(o);
                }
            }
            if (lp.next().isEmpty() || lp.objects().isEmpty()) {
                break;
            }
            after = Optional.of(lp.objects().get(lp.objects().size() - 1));
        }
    }

    /** Objects placed by a locator key remember it, so backfill can name them again. */
    public static final String KEY_ATTR = "k";

}
