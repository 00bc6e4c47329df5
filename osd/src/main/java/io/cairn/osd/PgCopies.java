package io.cairn.osd;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.OmapPage;
import io.cairn.objectstore.OmapQuery;
import io.cairn.objectstore.Transaction;
import io.cairn.proto.v1.ObjectLocator;
import io.cairn.proto.v1.ObjectState;
import io.cairn.proto.v1.PgLogEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One member's copy of a PG in the store: its PG log (version → object, in the pgmeta object's
 * omap), its last_update, and whole-object states read out and written in for recovery. Only the
 * newest entry per object matters for recovery, since members always catch up to the newest
 * version; older entries are trimmed to the newest {@code LOG_ENTRIES_KEPT}.
 */
final class PgCopies {
    static final ObjectId PGMETA = new ObjectId("pgmeta", ".cairn", ObjectId.HEAD, 0);
    static final String LAST_UPDATE_ATTR = "last_update";
    static final long LOG_ENTRIES_KEPT = 3000;
    private static final int PAGE = 1000;
    private static final int PAGES_MAX = 100_000;

    private final ObjectStore store;

    PgCopies(ObjectStore store) {
        this.store = store;
    }

    static String key(long version) {
        return String.format("%020d", version);
    }

    long lastUpdate(CollectionId coll) {
        if (!store.collectionExists(coll) || !store.exists(coll, PGMETA)) {
            return 0;
        }
        return store.getAttr(coll, PGMETA, LAST_UPDATE_ATTR).map(OpRunner::decodeLong).orElse(0L);
    }

    /** The oldest version the log still has; last_update + 1 when it is empty. */
    long logTail(CollectionId coll) {
        long lu = lastUpdate(coll);
        if (lu == 0) {
            return 1;
        }
        var first = store.omapGetKeys(coll, PGMETA, new OmapQuery(Optional.empty(), "", 1)).keys();
        return first.isEmpty() ? lu + 1 : Long.parseLong(first.get(0));
    }

    /** Records a version in the log and as last_update, trimming old entries now and then. */
    void record(Transaction txn, CollectionId coll, long version, ObjectLocator oloc, boolean raiseLastUpdate) {
        txn.omapSetKeys(coll, PGMETA, Map.of(key(version), oloc.toByteArray()));
        if (raiseLastUpdate) {
            txn.setAttr(coll, PGMETA, LAST_UPDATE_ATTR, OpRunner.encodeLong(version));
        }
        if (version % 256 == 0 && version > LOG_ENTRIES_KEPT) {
            txn.omapRmRange(coll, PGMETA, key(0), key(version - LOG_ENTRIES_KEPT));
        }
    }

    /** Log entries with after < version <= upto, newest per object only. */
    List<PgLogEntry> entries(CollectionId coll, long after, long upto) {
        Map<String, PgLogEntry> newest = new HashMap<>();
        String start = key(after);
        for (int page = 0; page < PAGES_MAX; page++) {
            OmapPage p = store.omapGetValues(coll, PGMETA, new OmapQuery(Optional.of(start), "", PAGE));
            boolean past = false;
            for (Map.Entry<String, byte[]> e : p.entries().entrySet()) {
                long v = Long.parseLong(e.getKey());
                if (v > upto) {
                    past = true;
                    break;
                }
                ObjectLocator oloc = parse(e.getValue());
                newest.put(oloc.getNspace() + "\0" + oloc.getName() + "\0" + oloc.getKey(),
                        PgLogEntry.newBuilder().setVersion(v).setOloc(oloc).build());
                start = e.getKey();
            }
            if (past || !p.more()) {
                break;
            }
        }
        List<PgLogEntry> out = new ArrayList<>(newest.values());
        out.sort((a, b) -> Long.compare(a.getVersion(), b.getVersion()));
        return out;
    }

    private static ObjectLocator parse(byte[] b) {
        try {
            return ObjectLocator.parseFrom(b);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt PG log entry", e);
        }
    }

    /** Everything about one object on this member (or exists=false). */
    ObjectState read(CollectionId coll, ObjectId oid) {
        if (!store.collectionExists(coll) || !store.exists(coll, oid)) {
            return ObjectState.newBuilder().setExists(false).build();
        }
        ObjectState.Builder b = ObjectState.newBuilder().setExists(true);
        long size = store.stat(coll, oid).sizeBytes();
        if (size > 0) {
            b.setData(UnsafeByteOperations.unsafeWrap(store.read(coll, oid, 0, size)));
        }
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
        return b.build();
    }

    /** Replaces this member's copy of an object with {@code state} (removing it if it does not exist). */
    void write(Transaction txn, CollectionId coll, ObjectId oid, ObjectState state) {
        if (store.exists(coll, oid)) {
            txn.remove(coll, oid);
        }
        if (!state.getExists()) {
            return;
        }
        txn.touch(coll, oid);
        if (!state.getData().isEmpty()) {
            txn.write(coll, oid, 0, state.getData().toByteArray());
        }
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

    /** Every client object in this member's copy, as locators (for backfill). */
    List<ObjectLocator> objects(CollectionId coll, long pool) {
        List<ObjectLocator> out = new ArrayList<>();
        if (!store.collectionExists(coll)) {
            return out;
        }
        Optional<ObjectId> after = Optional.empty();
        for (int page = 0; page < PAGES_MAX; page++) {
            var lp = store.list(coll, after, PAGE);
            for (ObjectId o : lp.objects()) {
                if (!o.namespace().startsWith(".cairn")) {
                    byte[] key = store.getAttr(coll, o, KEY_ATTR).orElse(new byte[0]);
                    out.add(ObjectLocator.newBuilder().setPool(pool).setName(o.name()).setNspace(o.namespace())
                            .setKey(new String(key, StandardCharsets.UTF_8)).build());
                }
            }
            if (lp.next().isEmpty() || lp.objects().isEmpty()) {
                break;
            }
            after = Optional.of(lp.objects().get(lp.objects().size() - 1));
        }
        return out;
    }

    /** Objects placed by a locator key remember it, so backfill can name them again. */
    static final String KEY_ATTR = "k";

}
