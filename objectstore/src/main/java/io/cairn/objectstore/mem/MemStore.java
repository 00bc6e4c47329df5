package io.cairn.objectstore.mem;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.common.Invariants;
import io.cairn.objectstore.ListPage;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStat;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.ObjectStoreException;
import io.cairn.objectstore.OmapKeys;
import io.cairn.objectstore.OmapPage;
import io.cairn.objectstore.OmapQuery;
import io.cairn.objectstore.Op;
import io.cairn.objectstore.Reservation;
import io.cairn.objectstore.SpaceAccount;
import io.cairn.objectstore.StatFs;
import io.cairn.objectstore.StoreLimits;
import io.cairn.objectstore.Transaction;
import io.cairn.objectstore.TransactionChecks;
import io.cairn.common.Utf8Order;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * An in-memory {@link ObjectStore} for fast tests: same semantics, limits and space accounting
 * as the block store, nothing durable. A transaction is applied to a copy of the state and
 * swapped in whole, which makes it atomic.
 */
public final class MemStore implements ObjectStore {
    private record Coll(HashRange range, TreeMap<ObjectId, MemObject> objects) {}

    private final int unitBytes;
    private final StoreLimits limits;
    private final TransactionChecks checks;
    private final SpaceAccount space;
    private TreeMap<CollectionId, Coll> colls = new TreeMap<>();
    private boolean mounted;

    public MemStore(long totalBytes, int unitBytes, StoreLimits limits) {
        Invariants.check(unitBytes > 0 && Integer.bitCount(unitBytes) == 1, "unit must be a power of two");
        this.unitBytes = unitBytes;
        this.limits = limits;
        this.checks = new TransactionChecks(limits);
        this.space = new SpaceAccount(totalBytes - totalBytes % unitBytes, 0, limits.failsafeFullRatio());
    }

    @Override
    public synchronized void mount() {
        mounted = true;
    }

    @Override
    public synchronized void umount() {
        mounted = false;
    }

    @Override
    public synchronized StatFs statfs() {
        requireMounted();
        return space.statfs(storedBytes(colls));
    }

    @Override
    public Reservation reserve(long bytes) {
        return space.reserve(bytes);
    }

    @Override
    public synchronized CompletableFuture<Void> queueTransactions(List<Transaction> txns) {
        try {
            requireMounted();
            checks.check(txns);
            TreeMap<CollectionId, Coll> work = new TreeMap<>();
            colls.forEach((id, c) -> work.put(id, new Coll(c.range, new TreeMap<>(c.objects))));
            Set<MemObject> fresh = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Transaction t : txns) {
                for (Op op : t.ops()) {
                    apply(work, fresh, op);
                }
            }
            long before = allocatedBytes(colls);
            long after = allocatedBytes(work);
            boolean freesOnly = txns.stream().allMatch(Transaction::freesOnly);
            Reservation own = txns.stream().flatMap(t -> t.reservation().stream()).findFirst().orElse(null);
            space.book(Math.max(0, after - before), Math.max(0, before - after), own, freesOnly);
            colls = work;
            return CompletableFuture.completedFuture(null);
        } catch (ObjectStoreException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            for (Transaction t : txns) {
                t.reservation().filter(r -> !r.released()).ifPresent(Reservation::release);
            }
        }
    }

    private void apply(TreeMap<CollectionId, Coll> work, Set<MemObject> fresh, Op op) {
        switch (op) {
            case Op.CreateCollection c -> {
                if (work.containsKey(c.coll())) {
                    throw new ObjectStoreException.CollectionExists(c.coll());
                }
                work.put(c.coll(), new Coll(c.range(), new TreeMap<>()));
            }
            case Op.RemoveCollection r -> {
                if (!coll(work, r.coll()).objects.isEmpty()) {
                    throw new ObjectStoreException.CollectionNotEmpty(r.coll());
                }
                work.remove(r.coll());
            }
            case Op.SplitCollection s -> split(work, s);
            case Op.Touch t -> object(work, fresh, t.coll(), t.oid(), true);
            case Op.Write w -> object(work, fresh, w.coll(), w.oid(), true).write(w.offset(), w.data());
            case Op.Zero z -> object(work, fresh, z.coll(), z.oid(), true).zero(z.offset(), z.length());
            case Op.Truncate t -> object(work, fresh, t.coll(), t.oid(), false).truncate(t.sizeBytes());
            case Op.Remove r -> {
                object(work, fresh, r.coll(), r.oid(), false);
                work.get(r.coll()).objects.remove(r.oid());
            }
            case Op.SetAttrs s -> object(work, fresh, s.coll(), s.oid(), false).attrs.putAll(MemObject.copyValues(s.attrs()));
            case Op.RmAttrs r -> object(work, fresh, r.coll(), r.oid(), false).attrs.keySet().removeAll(r.names());
            case Op.Clone c -> {
                MemObject src = object(work, fresh, c.coll(), c.source(), false);
                checkInRange(work.get(c.coll()), c.coll(), c.dest());
                MemObject copy = src.copy();
                fresh.add(copy);
                work.get(c.coll()).objects.put(c.dest(), copy);
            }
            case Op.CloneRange c -> {
                byte[] bytes = object(work, fresh, c.coll(), c.source(), false).read(c.sourceOffset(), c.length());
                MemObject dst = object(work, fresh, c.coll(), c.dest(), true);
                dst.write(c.destOffset(), ByteBuffer.wrap(bytes));
                if (bytes.length < c.length()) {
                    dst.zero(c.destOffset() + bytes.length, c.length() - bytes.length);
                }
            }
            case Op.OmapSetKeys s -> object(work, fresh, s.coll(), s.oid(), false).omap.putAll(MemObject.copyValues(s.entries()));
            case Op.OmapRmKeys r -> object(work, fresh, r.coll(), r.oid(), false).omap.keySet().removeAll(r.keys());
            case Op.OmapRmRange r -> object(work, fresh, r.coll(), r.oid(), false).omap.subMap(r.first(), r.last()).clear();
            case Op.OmapClear c -> object(work, fresh, c.coll(), c.oid(), false).omap.clear();
            case Op.OmapSetHeader h -> object(work, fresh, h.coll(), h.oid(), false).omapHeader = h.header().clone();
            case Op.MoveRename m -> {
                MemObject o = object(work, fresh, m.sourceColl(), m.source(), false);
                Coll dest = coll(work, m.destColl());
                checkInRange(dest, m.destColl(), m.dest());
                if (dest.objects.containsKey(m.dest())) {
                    throw new ObjectStoreException.ObjectExists(m.destColl(), m.dest());
                }
                work.get(m.sourceColl()).objects.remove(m.source());
                dest.objects.put(m.dest(), o);
            }
        }
    }

    private void split(TreeMap<CollectionId, Coll> work, Op.SplitCollection s) {
        Coll src = coll(work, s.source());
        if (work.containsKey(s.dest())) {
            throw new ObjectStoreException.CollectionExists(s.dest());
        }
        HashRange destRange = new HashRange(s.bits(), s.destValue());
        if (s.bits() <= src.range.bits() || !src.range.covers(destRange)) {
            throw new ObjectStoreException.InvalidArgument("split of " + s.source() + " (" + src.range
                    + ") into " + destRange + ": not a sub-range");
        }
        HashRange srcRange = new HashRange(s.bits(), src.range.value());
        if (srcRange.equals(destRange)) {
            throw new ObjectStoreException.InvalidArgument("split destination range equals the source's");
        }
        Coll dest = new Coll(destRange, new TreeMap<>());
        src.objects.entrySet().removeIf(e -> {
            if (destRange.contains(e.getKey().hash())) {
                dest.objects.put(e.getKey(), e.getValue());
                return true;
            }
            return false;
        });
        work.put(s.source(), new Coll(srcRange, src.objects));
        work.put(s.dest(), dest);
    }

    private static Coll coll(TreeMap<CollectionId, Coll> work, CollectionId id) {
        Coll c = work.get(id);
        if (c == null) {
            throw new ObjectStoreException.NoSuchCollection(id);
        }
        return c;
    }

    private static void checkInRange(Coll c, CollectionId id, ObjectId oid) {
        if (!c.range.contains(oid.hash())) {
            throw new ObjectStoreException.InvalidArgument("object " + oid + " hash is outside collection " + id
                    + " range " + c.range);
        }
    }

    /** The object as this transaction may change it (copied once per transaction). */
    private MemObject object(TreeMap<CollectionId, Coll> work, Set<MemObject> fresh, CollectionId id, ObjectId oid,
                             boolean create) {
        Coll c = coll(work, id);
        MemObject o = c.objects.get(oid);
        if (o == null) {
            if (!create) {
                throw new ObjectStoreException.NoSuchObject(id, oid);
            }
            checkInRange(c, id, oid);
            o = new MemObject(unitBytes);
        } else if (!fresh.contains(o)) {
            o = o.copy();
        }
        fresh.add(o);
        c.objects.put(oid, o);
        return o;
    }

    private static long allocatedBytes(TreeMap<CollectionId, Coll> state) {
        Set<byte[]> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long units = 0;
        int unit = 0;
        for (Coll c : state.values()) {
            for (MemObject o : c.objects.values()) {
                unit = o.unitBytes;
                for (byte[] chunk : o.chunks.values()) {
                    if (seen.add(chunk)) {
                        units++;
                    }
                }
            }
        }
        return units * unit;
    }

    private static long storedBytes(TreeMap<CollectionId, Coll> state) {
        long n = 0;
        for (Coll c : state.values()) {
            for (MemObject o : c.objects.values()) {
                n += o.sizeBytes;
            }
        }
        return n;
    }

    private void requireMounted() {
        if (!mounted) {
            throw new ObjectStoreException.Unavailable("store is not mounted");
        }
    }

    private synchronized MemObject existing(CollectionId id, ObjectId oid) {
        requireMounted();
        MemObject o = coll(colls, id).objects.get(oid);
        if (o == null) {
            throw new ObjectStoreException.NoSuchObject(id, oid);
        }
        return o;
    }

    @Override
    public synchronized List<CollectionId> listCollections() {
        requireMounted();
        return List.copyOf(colls.keySet());
    }

    @Override
    public synchronized boolean collectionExists(CollectionId coll) {
        requireMounted();
        return colls.containsKey(coll);
    }

    @Override
    public synchronized HashRange collectionRange(CollectionId coll) {
        requireMounted();
        return coll(colls, coll).range;
    }

    @Override
    public synchronized ListPage list(CollectionId coll, Optional<ObjectId> after, int limit) {
        requireMounted();
        if (limit <= 0) {
            throw new ObjectStoreException.InvalidArgument("list limit must be positive");
        }
        TreeMap<ObjectId, MemObject> objects = coll(colls, coll).objects;
        SortedMap<ObjectId, MemObject> tail = after.isPresent() ? objects.tailMap(after.get(), false) : objects;
        List<ObjectId> out = new ArrayList<>();
        for (ObjectId oid : tail.keySet()) {
            if (out.size() == limit) {
                return new ListPage(out, Optional.of(out.get(out.size() - 1)));
            }
            out.add(oid);
        }
        return new ListPage(out, Optional.empty());
    }

    @Override
    public synchronized boolean exists(CollectionId coll, ObjectId oid) {
        requireMounted();
        return coll(colls, coll).objects.containsKey(oid);
    }

    @Override
    public ObjectStat stat(CollectionId coll, ObjectId oid) {
        MemObject o = existing(coll, oid);
        return new ObjectStat(o.sizeBytes, o.allocatedBytes());
    }

    @Override
    public byte[] read(CollectionId coll, ObjectId oid, long offset, long length) {
        checks.checkRead(offset, length);
        MemObject o = existing(coll, oid);
        return o.read(offset, length == 0 ? limits.objectSizeBytesMax() : length);
    }

    @Override
    public Optional<byte[]> getAttr(CollectionId coll, ObjectId oid, String name) {
        return Optional.ofNullable(existing(coll, oid).attrs.get(name)).map(byte[]::clone);
    }

    @Override
    public SortedMap<String, byte[]> getAttrs(CollectionId coll, ObjectId oid) {
        return MemObject.copyValues(existing(coll, oid).attrs);
    }

    @Override
    public byte[] omapGetHeader(CollectionId coll, ObjectId oid) {
        return existing(coll, oid).omapHeader.clone();
    }

    @Override
    public OmapKeys omapGetKeys(CollectionId coll, ObjectId oid, OmapQuery query) {
        OmapPage page = omapGetValues(coll, oid, query);
        return new OmapKeys(new ArrayList<>(page.entries().keySet()), page.more());
    }

    @Override
    public OmapPage omapGetValues(CollectionId coll, ObjectId oid, OmapQuery query) {
        TreeMap<String, byte[]> out = new TreeMap<>(Utf8Order.COMPARATOR);
        boolean more = false;
        for (Map.Entry<String, byte[]> e : existing(coll, oid).omap.entrySet()) {
            if (!query.admits(e.getKey())) {
                continue;
            }
            if (out.size() == query.limit()) {
                more = true;
                break;
            }
            out.put(e.getKey(), e.getValue());
        }
        return new OmapPage(out, more);
    }

    @Override
    public SortedMap<String, byte[]> omapGetValuesByKeys(CollectionId coll, ObjectId oid, Set<String> keys) {
        TreeMap<String, byte[]> omap = existing(coll, oid).omap;
        TreeMap<String, byte[]> out = new TreeMap<>(Utf8Order.COMPARATOR);
        for (String k : keys) {
            byte[] v = omap.get(k);
            if (v != null) {
                out.put(k, v.clone());
            }
        }
        return out;
    }
}
