package io.cairn.objectstore.block;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectStoreException;
import org.lmdbjava.Txn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Offline consistency check of an unmounted store. Shallow: every extent belongs to an object,
 * lies inside the block file and below its object's size; reference counts and the allocation
 * bitmap agree with what the extents use; the stored-bytes counter is the sum of sizes. Deep:
 * also reads every block and checks its crc32c. Repair fixes what can be fixed from metadata
 * alone (leaked space, orphan records, counts); bad data is only reported.
 */
public final class Fsck {
    private static final Logger log = LoggerFactory.getLogger(Fsck.class);
    private static final int BLOCK = ExtentRecord.CSUM_BLOCK_BYTES;

    private final MetaDb db;
    private final BlockFile file;
    private final Superblock sb;
    private final List<String> errors = new ArrayList<>();
    /** Deferred writes a mount would replay: deep checks see the data as the mounted store will. */
    private NavigableMap<Long, byte[]> deferred = new TreeMap<>();
    private final Set<String> damaged = new LinkedHashSet<>();

    private Fsck(MetaDb db, BlockFile file, Superblock sb) {
        this.db = db;
        this.file = file;
        this.sb = sb;
    }

    /** Checks (and with {@code repair}, fixes) the store at {@code dir}, which must not be mounted. */
    public static FsckReport run(Path dir, boolean deep, boolean repair) {
        try (StoreLock held = StoreLock.acquire(dir);
             MetaDb db = MetaDb.open(dir.resolve(BlockStore.META_DIR), BlockStoreOptions.METADATA_MAP_BYTES_DEFAULT)) {
            Superblock sb;
            try (Txn<byte[]> txn = db.env.txnRead()) {
                byte[] v = db.meta.get(txn, MetaDb.name(MetaDb.SUPERBLOCK));
                if (v == null) {
                    throw new ObjectStoreException.Unavailable("no superblock in " + dir);
                }
                sb = Superblock.decode(v);
            }
            try (BlockFile file = BlockFile.open(dir.resolve(BlockStore.BLOCK_FILE), sb.blockFileBytes())) {
                return new Fsck(db, file, sb).check(deep, repair);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("fsck " + dir, e);
        }
    }

    /**
     * The block-file ranges ({offset, length}) of an unmounted store that hold deferred writes not
     * yet known durable there: what its next mount replays from the metadata.
     */
    public static List<long[]> pendingDeferredWrites(Path dir) {
        try (MetaDb db = MetaDb.open(dir.resolve(BlockStore.META_DIR), BlockStoreOptions.METADATA_MAP_BYTES_DEFAULT);
             Txn<byte[]> txn = db.env.txnRead()) {
            List<long[]> out = new ArrayList<>();
            DeferredWrites.all(db, txn).forEach((offset, bytes) -> out.add(new long[] {offset, bytes.length}));
            return out;
        }
    }

    private void error(String message) {
        if (errors.size() < FsckReport.ERRORS_MAX) {
            errors.add(message);
        }
    }

    private FsckReport check(boolean deep, boolean repair) {
        long units = sb.unitsTotal();
        int unit = sb.unitBytes();
        int[] useCount = new int[Math.toIntExact(units)];
        Map<Long, String> names = new HashMap<>();
        Map<Long, Long> sizes = new HashMap<>();
        long[] counters = new long[4];
        List<byte[]> orphanExtents = new ArrayList<>();
        List<byte[]> orphanOmap = new ArrayList<>();
        BitSet bitmap = new BitSet();
        Map<Long, Integer> refs = new HashMap<>();
        long maxNid;
        try (Txn<byte[]> txn = db.env.txnRead()) {
            deferred = DeferredWrites.all(db, txn);
            long storedCounter = Keys.longOf(db.meta.get(txn, MetaDb.name(MetaDb.STORED_BYTES)));
            long nextNid = Keys.longOf(db.meta.get(txn, MetaDb.name(MetaDb.NEXT_NID)));
            Set<CollectionId> colls = new HashSet<>();
            MetaDb.scan(db.colls, txn, new byte[0], null, (k, v) -> colls.add(
                    new CollectionId(new String(k, java.nio.charset.StandardCharsets.UTF_8))));
            long[] stored = {0};
            MetaDb.scan(db.onodes, txn, new byte[0], null, (k, v) -> {
                CollectionId c = Keys.collOf(k);
                Onode o = Onode.decode(v);
                String name = TxnApplier.name(c, Keys.objectOf(c, k));
                if (!colls.contains(c)) {
                    error("object " + name + " is in unknown collection " + c);
                }
                if (names.put(o.nid(), name) != null) {
                    error("node id " + o.nid() + " is used by two objects, one is " + name);
                }
                sizes.put(o.nid(), o.sizeBytes());
                stored[0] += o.sizeBytes();
                counters[0]++;
                return true;
            });
            maxNid = names.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
            if (maxNid >= nextNid) {
                error("next node id " + nextNid + " is not above the largest in use " + maxNid);
            }
            if (stored[0] != storedCounter) {
                error("stored-bytes counter " + storedCounter + " != sum of object sizes " + stored[0]);
            }
            CRC32C crc = new CRC32C();
            MetaDb.scan(db.extents, txn, new byte[0], null, (k, v) -> {
                long nid = Keys.extentNid(k);
                ExtentRecord r = ExtentRecord.decode(Keys.extentOffset(k), v);
                counters[1]++;
                String name = names.get(nid);
                if (name == null) {
                    error("extent of node " + nid + " at " + r.logicalOffset() + " belongs to no object (leak)");
                    orphanExtents.add(k);
                    return true;
                }
                long sizeRounded = (sizes.get(nid) + unit - 1) / unit * unit;
                if (r.logicalEnd() > sizeRounded) {
                    error("extent of " + name + " at " + r.logicalOffset() + " lies past the object's size");
                }
                if (r.physicalOffset() % unit != 0 || r.physicalOffset() + r.lengthBytes() > sb.blockFileBytes()) {
                    error("extent of " + name + " at " + r.logicalOffset() + " is outside the block file");
                    return true;
                }
                for (long u = r.physicalOffset() / unit; u < (r.physicalOffset() + r.lengthBytes()) / unit; u++) {
                    useCount[(int) u]++;
                }
                if (deep) {
                    counters[2] += verify(crc, name, r);
                }
                return true;
            });
            MetaDb.scan(db.omap, txn, new byte[0], null, (k, v) -> {
                if (!names.containsKey(Keys.extentNid(k))) {
                    orphanOmap.add(k);
                }
                return true;
            });
            if (!orphanOmap.isEmpty()) {
                error(orphanOmap.size() + " omap records belong to no object (leak)");
            }
            MetaDb.scan(db.bitmap, txn, Keys.longKey(0), null, (k, v) -> {
                Allocator.loadChunk(bitmap, Keys.longOf(k), v);
                return true;
            });
            MetaDb.scan(db.refs, txn, Keys.longKey(0), null, (k, v) -> {
                refs.put(Keys.longOf(k), ByteBuffer.wrap(v).getInt());
                return true;
            });
        }
        // Orphan extents are dropped by repair, so their units count as unused from here on.
        long leakedUnits = 0;
        List<Long> leaked = new ArrayList<>();
        List<Long> unmarked = new ArrayList<>();
        Map<Long, Integer> wrongRefs = new HashMap<>();
        for (int u = 0; u < units; u++) {
            int used = useCount[u];
            boolean marked = bitmap.get(u);
            if (used == 0 && marked) {
                leakedUnits++;
                leaked.add((long) u);
            } else if (used > 0 && !marked) {
                error("allocation unit " + u + " is used by " + used + " extents but marked free");
                unmarked.add((long) u);
            }
            int expected = used >= 2 ? used : 0;
            int actual = refs.getOrDefault((long) u, 0);
            if (expected != actual) {
                error("allocation unit " + u + " has reference count " + actual + ", extents use it " + used + " times");
                wrongRefs.put((long) u, expected);
            }
        }
        List<Long> orphanDeferred = new ArrayList<>();
        for (Map.Entry<Long, byte[]> e : deferred.entrySet()) {
            long first = e.getKey() / unit;
            long end = (e.getKey() + e.getValue().length + unit - 1) / unit;
            boolean used = e.getKey() % unit == 0 && end <= units;
            for (long u = first; used && u < end; u++) {
                used = useCount[(int) u] > 0;
            }
            if (!used) {
                error("deferred write at block-file offset " + e.getKey() + " covers units no extent uses");
                orphanDeferred.add(e.getKey());
            }
        }
        if (bitmap.length() > units) {
            error("allocation bitmap marks units past the end of the block file");
        }
        if (leakedUnits > 0) {
            error(leakedUnits + " allocation units (" + leakedUnits * unit + " bytes) are allocated but unused (leak)");
        }
        boolean repaired = false;
        if (repair && !errors.isEmpty()) {
            repaired = repair(orphanExtents, orphanOmap, orphanDeferred, leaked, unmarked, wrongRefs, bitmap, sizes, maxNid);
        }
        log.info("fsck{}: {} objects, {} extents, {} errors", deep ? " --deep" : "", counters[0], counters[1],
                errors.size());
        return new FsckReport(deep, counters[0], counters[1], counters[2], leakedUnits * unit, errors,
                new ArrayList<>(damaged), repaired);
    }

    private long verify(CRC32C crc, String name, ExtentRecord r) {
        byte[] buf = new byte[r.lengthBytes()];
        file.read(r.physicalOffset(), buf, 0, buf.length);
        overlayDeferred(r.physicalOffset(), buf);
        for (int i = 0; i < r.crcs().length; i++) {
            crc.reset();
            crc.update(buf, i * BLOCK, BLOCK);
            if ((int) crc.getValue() != r.crcs()[i]) {
                error("checksum mismatch in " + name + " at offset " + (r.logicalOffset() + (long) i * BLOCK));
                damaged.add(name);
            }
        }
        return buf.length;
    }

    /** Copies into {@code buf} (block-file bytes from {@code offset}) what deferred records hold for that range. */
    private void overlayDeferred(long offset, byte[] buf) {
        long end = offset + buf.length;
        Map.Entry<Long, byte[]> before = deferred.lowerEntry(offset);
        NavigableMap<Long, byte[]> candidates = before == null ? deferred.subMap(offset, true, end, false)
                : deferred.subMap(before.getKey(), true, end, false);
        for (Map.Entry<Long, byte[]> e : candidates.entrySet()) {
            long from = Math.max(offset, e.getKey());
            long to = Math.min(end, e.getKey() + e.getValue().length);
            if (from < to) {
                System.arraycopy(e.getValue(), (int) (from - e.getKey()), buf, (int) (from - offset), (int) (to - from));
            }
        }
    }

    private boolean repair(List<byte[]> orphanExtents, List<byte[]> orphanOmap, List<Long> orphanDeferred,
                           List<Long> leaked, List<Long> unmarked,
                           Map<Long, Integer> wrongRefs, BitSet bitmap, Map<Long, Long> sizes, long maxNid) {
        Set<Long> dirtyChunks = new HashSet<>();
        try (Txn<byte[]> txn = db.env.txnWrite()) {
            orphanExtents.forEach(k -> db.extents.delete(txn, k));
            orphanOmap.forEach(k -> db.omap.delete(txn, k));
            orphanDeferred.forEach(k -> db.deferred.delete(txn, Keys.longKey(k)));
            for (long u : leaked) {
                bitmap.clear((int) u);
                dirtyChunks.add(u / Allocator.BITMAP_CHUNK_BITS);
            }
            for (long u : unmarked) {
                bitmap.set((int) u);
                dirtyChunks.add(u / Allocator.BITMAP_CHUNK_BITS);
            }
            for (Map.Entry<Long, Integer> e : wrongRefs.entrySet()) {
                if (e.getValue() == 0) {
                    db.refs.delete(txn, Keys.longKey(e.getKey()));
                } else {
                    db.refs.put(txn, Keys.longKey(e.getKey()), ByteBuffer.allocate(4).putInt(e.getValue()).array());
                }
            }
            for (long c : dirtyChunks) {
                db.bitmap.put(txn, Keys.longKey(c), Allocator.chunkBytes(bitmap, c));
            }
            long stored = sizes.values().stream().mapToLong(Long::longValue).sum();
            db.meta.put(txn, MetaDb.name(MetaDb.STORED_BYTES), Keys.longKey(stored));
            long nextNid = Keys.longOf(db.meta.get(txn, MetaDb.name(MetaDb.NEXT_NID)));
            if (nextNid <= maxNid) {
                db.meta.put(txn, MetaDb.name(MetaDb.NEXT_NID), Keys.longKey(maxNid + 1));
            }
            db.commitDurably(txn);
        }
        log.info("fsck repair: dropped {} orphan extents and {} orphan omap records, freed {} leaked units",
                orphanExtents.size(), orphanOmap.size(), leaked.size());
        return true;
    }
}
