package io.cairn.objectstore.block;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStoreException;
import io.cairn.objectstore.Op;
import io.cairn.common.Utf8Order;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Applies ops to the metadata inside one LMDB (child) transaction. Any exception leaves the
 * caller to abort that transaction and roll back the {@link TxnEffects}; nothing here is
 * visible to anyone until the batch commits.
 */
final class TxnApplier {
    private final MetaDb db;
    private final ObjectData data;
    private final NidSource nids;

    /** Hands out node ids; ids of failed transactions are simply never used. */
    interface NidSource {
        long next();
    }

    TxnApplier(MetaDb db, ObjectData data, NidSource nids) {
        this.db = db;
        this.data = data;
        this.nids = nids;
    }

    void apply(Txn<byte[]> txn, TxnEffects fx, Op op) {
        switch (op) {
            case Op.CreateCollection c -> {
                if (db.colls.get(txn, Keys.coll(c.coll())) != null) {
                    throw new ObjectStoreException.CollectionExists(c.coll());
                }
                putRange(txn, c.coll(), c.range());
            }
            case Op.RemoveCollection r -> {
                range(txn, r.coll());
                if (!listKeys(txn, r.coll(), 1).isEmpty()) {
                    throw new ObjectStoreException.CollectionNotEmpty(r.coll());
                }
                db.colls.delete(txn, Keys.coll(r.coll()));
            }
            case Op.SplitCollection s -> split(txn, s);
            case Op.Touch t -> onode(txn, t.coll(), t.oid(), true);
            case Op.Write w -> {
                Onode o = onode(txn, w.coll(), w.oid(), true);
                data.write(txn, fx, name(w.coll(), w.oid()), o.nid(), o.sizeBytes(), w.offset(), w.data());
                resize(txn, fx, w.coll(), w.oid(), o, Math.max(o.sizeBytes(), w.offset() + w.lengthBytes()));
            }
            case Op.Zero z -> {
                Onode o = onode(txn, z.coll(), z.oid(), true);
                data.zero(txn, fx, name(z.coll(), z.oid()), o.nid(), o.sizeBytes(), z.offset(), z.length());
                resize(txn, fx, z.coll(), z.oid(), o, Math.max(o.sizeBytes(), z.offset() + z.length()));
            }
            case Op.Truncate t -> {
                Onode o = onode(txn, t.coll(), t.oid(), false);
                data.truncate(txn, fx, name(t.coll(), t.oid()), o.nid(), o.sizeBytes(), t.sizeBytes());
                resize(txn, fx, t.coll(), t.oid(), o, t.sizeBytes());
            }
            case Op.Remove r -> remove(txn, fx, r.coll(), onode(txn, r.coll(), r.oid(), false), r.oid());
            case Op.SetAttrs s -> {
                Onode o = onode(txn, s.coll(), s.oid(), false);
                TreeMap<String, byte[]> attrs = new TreeMap<>(Utf8Order.COMPARATOR);
                attrs.putAll(o.attrs());
                attrs.putAll(s.attrs());
                putOnode(txn, s.coll(), s.oid(), o.withAttrs(attrs));
            }
            case Op.RmAttrs r -> {
                Onode o = onode(txn, r.coll(), r.oid(), false);
                TreeMap<String, byte[]> attrs = new TreeMap<>(Utf8Order.COMPARATOR);
                attrs.putAll(o.attrs());
                attrs.keySet().removeAll(r.names());
                putOnode(txn, r.coll(), r.oid(), o.withAttrs(attrs));
            }
            case Op.Clone c -> cloneObject(txn, fx, c);
            case Op.CloneRange c -> {
                Onode src = onode(txn, c.coll(), c.source(), false);
                byte[] bytes = data.read(txn, name(c.coll(), c.source()), src.nid(), src.sizeBytes(), c.sourceOffset(),
                        c.length());
                Onode dst = onode(txn, c.coll(), c.dest(), true);
                data.write(txn, fx, name(c.coll(), c.dest()), dst.nid(), dst.sizeBytes(), c.destOffset(), ByteBuffer.wrap(bytes));
                long size = Math.max(dst.sizeBytes(), c.destOffset() + bytes.length);
                if (bytes.length < c.length()) {
                    data.zero(txn, fx, name(c.coll(), c.dest()), dst.nid(), size, c.destOffset() + bytes.length,
                            c.length() - bytes.length);
                    size = Math.max(size, c.destOffset() + c.length());
                }
                resize(txn, fx, c.coll(), c.dest(), dst, size);
            }
            case Op.OmapSetKeys s -> {
                long nid = onode(txn, s.coll(), s.oid(), false).nid();
                s.entries().forEach((k, v) -> db.omap.put(txn, Keys.omapEntry(nid, k), v));
            }
            case Op.OmapRmKeys r -> {
                long nid = onode(txn, r.coll(), r.oid(), false).nid();
                r.keys().forEach(k -> db.omap.delete(txn, Keys.omapEntry(nid, k)));
            }
            case Op.OmapRmRange r -> {
                long nid = onode(txn, r.coll(), r.oid(), false).nid();
                deleteRange(txn, Keys.omapEntry(nid, r.first()), Keys.omapEntry(nid, r.last()));
            }
            case Op.OmapClear c -> {
                long nid = onode(txn, c.coll(), c.oid(), false).nid();
                deleteRange(txn, Keys.omapEntry(nid, ""), Keys.nidPrefix(nid + 1));
            }
            case Op.OmapSetHeader h -> {
                long nid = onode(txn, h.coll(), h.oid(), false).nid();
                db.omap.put(txn, Keys.omapHeader(nid), h.header());
            }
            case Op.MoveRename m -> {
                Onode o = onode(txn, m.sourceColl(), m.source(), false);
                checkInRange(txn, m.destColl(), m.dest());
                if (db.onodes.get(txn, Keys.onode(m.destColl(), m.dest())) != null) {
                    throw new ObjectStoreException.ObjectExists(m.destColl(), m.dest());
                }
                db.onodes.delete(txn, Keys.onode(m.sourceColl(), m.source()));
                putOnode(txn, m.destColl(), m.dest(), o);
            }
        }
    }

    private void cloneObject(Txn<byte[]> txn, TxnEffects fx, Op.Clone c) {
        Onode src = onode(txn, c.coll(), c.source(), false);
        checkInRange(txn, c.coll(), c.dest());
        byte[] oldDest = db.onodes.get(txn, Keys.onode(c.coll(), c.dest()));
        if (oldDest != null) {
            remove(txn, fx, c.coll(), Onode.decode(oldDest), c.dest());
        }
        Onode dst = src.withNid(nids.next());
        data.shareAll(txn, src.nid(), dst.nid());
        List<byte[][]> omap = new ArrayList<>();
        MetaDb.scan(db.omap, txn, Keys.nidPrefix(src.nid()), Keys.nidPrefix(src.nid() + 1), (k, v) -> {
            omap.add(new byte[][] {k, v});
            return true;
        });
        for (byte[][] kv : omap) {
            byte[] key = kv[0].clone();
            ByteBuffer.wrap(key).putLong(0, dst.nid());
            db.omap.put(txn, key, kv[1]);
        }
        putOnode(txn, c.coll(), c.dest(), dst);
        fx.storedDelta += dst.sizeBytes();
    }

    private void remove(Txn<byte[]> txn, TxnEffects fx, CollectionId coll, Onode o, ObjectId oid) {
        data.removeAll(txn, fx, o.nid());
        deleteRange(txn, Keys.nidPrefix(o.nid()), Keys.nidPrefix(o.nid() + 1));
        db.onodes.delete(txn, Keys.onode(coll, oid));
        fx.storedDelta -= o.sizeBytes();
    }

    private void split(Txn<byte[]> txn, Op.SplitCollection s) {
        HashRange src = range(txn, s.source());
        if (db.colls.get(txn, Keys.coll(s.dest())) != null) {
            throw new ObjectStoreException.CollectionExists(s.dest());
        }
        HashRange destRange = new HashRange(s.bits(), s.destValue());
        if (s.bits() <= src.bits() || !src.covers(destRange)) {
            throw new ObjectStoreException.InvalidArgument("split of " + s.source() + " (" + src + ") into "
                    + destRange + ": not a sub-range");
        }
        HashRange srcRange = new HashRange(s.bits(), src.value());
        if (srcRange.equals(destRange)) {
            throw new ObjectStoreException.InvalidArgument("split destination range equals the source's");
        }
        byte[] prefix = Keys.onodePrefix(s.source());
        List<byte[][]> moving = new ArrayList<>();
        MetaDb.scan(db.onodes, txn, prefix, Keys.prefixEnd(prefix), (k, v) -> {
            if (destRange.contains(Keys.objectOf(s.source(), k).hash())) {
                moving.add(new byte[][] {k, v});
            }
            return true;
        });
        for (byte[][] kv : moving) {
            db.onodes.delete(txn, kv[0]);
            db.onodes.put(txn, Keys.onode(s.dest(), Keys.objectOf(s.source(), kv[0])), kv[1]);
        }
        putRange(txn, s.source(), srcRange);
        putRange(txn, s.dest(), destRange);
    }

    private void deleteRange(Txn<byte[]> txn, byte[] from, byte[] to) {
        List<byte[]> keys = new ArrayList<>();
        MetaDb.scan(db.omap, txn, from, to, (k, v) -> keys.add(k));
        keys.forEach(k -> db.omap.delete(txn, k));
    }

    private void resize(Txn<byte[]> txn, TxnEffects fx, CollectionId coll, ObjectId oid, Onode o, long newSize) {
        fx.storedDelta += newSize - o.sizeBytes();
        putOnode(txn, coll, oid, o.withSize(newSize));
    }

    private void putOnode(Txn<byte[]> txn, CollectionId coll, ObjectId oid, Onode o) {
        db.onodes.put(txn, Keys.onode(coll, oid), o.encode());
    }

    /** The object's onode; with {@code create}, a new empty one if it does not exist. */
    private Onode onode(Txn<byte[]> txn, CollectionId coll, ObjectId oid, boolean create) {
        checkInRange(txn, coll, oid);
        byte[] v = db.onodes.get(txn, Keys.onode(coll, oid));
        if (v != null) {
            return Onode.decode(v);
        }
        if (!create) {
            throw new ObjectStoreException.NoSuchObject(coll, oid);
        }
        Onode o = Onode.empty(nids.next());
        putOnode(txn, coll, oid, o);
        return o;
    }

    private void checkInRange(Txn<byte[]> txn, CollectionId coll, ObjectId oid) {
        HashRange r = range(txn, coll);
        if (!r.contains(oid.hash())) {
            throw new ObjectStoreException.InvalidArgument("object " + oid + " hash is outside collection " + coll
                    + " range " + r);
        }
    }

    HashRange range(Txn<byte[]> txn, CollectionId coll) {
        byte[] v = db.colls.get(txn, Keys.coll(coll));
        if (v == null) {
            throw new ObjectStoreException.NoSuchCollection(coll);
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        return new HashRange(b.getInt(), b.getInt());
    }

    private void putRange(Txn<byte[]> txn, CollectionId coll, HashRange r) {
        db.colls.put(txn, Keys.coll(coll), ByteBuffer.allocate(8).putInt(r.bits()).putInt(r.value()).array());
    }

    List<byte[]> listKeys(Txn<byte[]> txn, CollectionId coll, int limit) {
        byte[] prefix = Keys.onodePrefix(coll);
        List<byte[]> out = new ArrayList<>();
        MetaDb.scan(db.onodes, txn, prefix, Keys.prefixEnd(prefix), (k, v) -> {
            out.add(k);
            return out.size() < limit;
        });
        return out;
    }

    static String name(CollectionId coll, ObjectId oid) {
        return coll + "/" + oid;
    }
}
