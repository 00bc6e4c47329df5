package io.cairn.objectstore.block;

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
import io.cairn.objectstore.ReadBuffer;
import io.cairn.objectstore.Reservation;
import io.cairn.objectstore.SpaceAccount;
import io.cairn.objectstore.StatFs;
import io.cairn.objectstore.Transaction;
import io.cairn.objectstore.TransactionChecks;
import io.cairn.common.Utf8Order;
import org.lmdbjava.Txn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * The production store: metadata in LMDB under {@code <dir>/meta}, object data in checksummed
 * extents of the preallocated {@code <dir>/block} file, writes group-committed by one
 * {@link GroupCommitter} thread.
 */
public final class BlockStore implements ObjectStore {
    public static final String BLOCK_FILE = "block";
    public static final String META_DIR = "meta";
    public static final int UNIT_BYTES_DEFAULT = 4096;
    private static final int FINISHER_QUEUE_MAX = 4096;
    private static final long UMOUNT_WAIT_MS = 120_000;
    private static final Logger log = LoggerFactory.getLogger(BlockStore.class);

    private final Path dir;
    private final BlockStoreOptions options;
    private final TransactionChecks checks;
    private final ReentrantReadWriteLock readerLock = new ReentrantReadWriteLock();
    private MetaDb db;
    private BlockFile file;
    private Superblock superblock;
    private SpaceAccount space;
    private ObjectData data;
    private TxnApplier reader;
    private GroupCommitter committer;
    private Thread committerThread;
    private ThreadPoolExecutor finisher;
    private volatile boolean mounted;
    private StoreLock lock;

    public BlockStore(Path dir, BlockStoreOptions options) {
        this.dir = dir;
        this.options = options;
        this.checks = new TransactionChecks(options.limits());
    }

    public BlockStore(Path dir) {
        this(dir, BlockStoreOptions.DEFAULT);
    }

    /** Creates an empty store: a block file of {@code sizeBytes} (rounded down to whole units). */
    public static void mkfs(Path dir, long sizeBytes, int unitBytes) {
        checkUnit(unitBytes);
        long units = sizeBytes / unitBytes;
        checkUnits(units, sizeBytes);
        try {
            Files.createDirectories(dir);
            if (Files.exists(dir.resolve(BLOCK_FILE)) || Files.exists(dir.resolve(META_DIR))) {
                throw new ObjectStoreException.InvalidArgument("a store already exists at " + dir);
            }
            BlockFile.create(dir.resolve(BLOCK_FILE), units * unitBytes);
            writeMetadata(dir, unitBytes, units);
        } catch (IOException e) {
            throw new UncheckedIOException("mkfs " + dir, e);
        }
    }

    /**
     * Creates an empty store whose data goes straight to the block device {@code device} (no file
     * system), its metadata in {@code dir}, as BlueStore keeps its DB beside a raw device:
     * {@code dir/block} is a link to the device, and the store is as large as the device. A
     * device whose first {@link BlockDevices#PROBE_BYTES} bytes are not all zero (a partition
     * table, a file system, an old store's data) is refused unless {@code force}: wipe it first.
     * Nothing is zero-filled: a device has its space already, and only written extents are read.
     */
    public static void mkfsOnDevice(Path dir, Path device, int unitBytes, boolean force) {
        checkUnit(unitBytes);
        try {
            if (!BlockDevices.isBlockDevice(device)) {
                throw new ObjectStoreException.InvalidArgument(device + " is not a block device");
            }
            String mountedAt = BlockDevices.mountPoint(device);
            if (mountedAt != null) {
                throw new ObjectStoreException.InvalidArgument(device + " is mounted at " + mountedAt);
            }
            if (!force && !BlockDevices.startsBlank(device)) {
                throw new ObjectStoreException.InvalidArgument(device + " is not blank (its first "
                        + BlockDevices.PROBE_BYTES / 1024 + " KiB hold data: a partition table, a file system or an "
                        + "old store); wipe it, or force");
            }
            long units = BlockDevices.sizeBytes(device) / unitBytes;
            checkUnits(units, units * unitBytes);
            Files.createDirectories(dir);
            if (Files.exists(dir.resolve(BLOCK_FILE), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    || Files.exists(dir.resolve(META_DIR))) {
                throw new ObjectStoreException.InvalidArgument("a store already exists at " + dir);
            }
            Files.createSymbolicLink(dir.resolve(BLOCK_FILE), device.toAbsolutePath());
            writeMetadata(dir, unitBytes, units);
        } catch (IOException e) {
            throw new UncheckedIOException("mkfs " + dir + " on " + device, e);
        }
    }

    private static void checkUnit(int unitBytes) {
        if (unitBytes < ExtentRecord.CSUM_BLOCK_BYTES || unitBytes > ExtentRecord.RECORD_BYTES_MAX
                || Integer.bitCount(unitBytes) != 1) {
            throw new ObjectStoreException.InvalidArgument("allocation unit " + unitBytes
                    + " must be a power of two from 4096 to 1048576");
        }
    }

    private static void checkUnits(long units, long sizeBytes) {
        if (units < 16 || units > Integer.MAX_VALUE - Allocator.BITMAP_CHUNK_BITS) {
            throw new ObjectStoreException.InvalidArgument("store size " + sizeBytes + " gives " + units
                    + " allocation units; need 16.." + (Integer.MAX_VALUE - Allocator.BITMAP_CHUNK_BITS));
        }
    }

    /** The metadata of an empty store of {@code units} units: superblock, first node id, no stored bytes. */
    private static void writeMetadata(Path dir, int unitBytes, long units) throws IOException {
        Files.createDirectory(dir.resolve(META_DIR));
        Superblock sb = new Superblock(Superblock.VERSION, unitBytes, units * unitBytes, UUID.randomUUID());
        try (MetaDb db = MetaDb.open(dir.resolve(META_DIR), 64L << 20); Txn<byte[]> txn = db.env.txnWrite()) {
            db.meta.put(txn, MetaDb.name(MetaDb.SUPERBLOCK), sb.encode());
            db.meta.put(txn, MetaDb.name(MetaDb.NEXT_NID), Keys.longKey(1));
            db.meta.put(txn, MetaDb.name(MetaDb.STORED_BYTES), Keys.longKey(0));
            db.commitDurably(txn);
        }
        syncDir(dir);
        log.info("mkfs {}: {} bytes in {} units of {}", dir, units * unitBytes, units, unitBytes);
    }

    private static void syncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public synchronized void mount() {
        Invariants.check(!mounted, "store %s is already mounted", dir);
        if (!Files.isDirectory(dir.resolve(META_DIR)) || !Files.exists(dir.resolve(BLOCK_FILE))) {
            throw new ObjectStoreException.Unavailable("no object store at " + dir + " (run mkfs first)");
        }
        lock = StoreLock.acquire(dir);
        try {
            db = MetaDb.open(dir.resolve(META_DIR), options.metadataMapBytes());
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        try {
            // A process killed while reading leaves reader slots behind; free them.
            db.env.readerCheck();
            long storedBytes;
            long nextNid;
            BitSet bits = new BitSet();
            try (Txn<byte[]> txn = db.env.txnRead()) {
                byte[] sb = db.meta.get(txn, MetaDb.name(MetaDb.SUPERBLOCK));
                if (sb == null) {
                    throw new ObjectStoreException.Unavailable("no superblock in " + dir);
                }
                superblock = Superblock.decode(sb);
                storedBytes = Keys.longOf(db.meta.get(txn, MetaDb.name(MetaDb.STORED_BYTES)));
                nextNid = Keys.longOf(db.meta.get(txn, MetaDb.name(MetaDb.NEXT_NID)));
                MetaDb.scan(db.bitmap, txn, Keys.longKey(0), null, (k, v) -> {
                    Allocator.loadChunk(bits, Keys.longOf(k), v);
                    return true;
                });
            }
            file = BlockFile.open(dir.resolve(BLOCK_FILE), superblock.blockFileBytes());
            Allocator allocator = new Allocator(superblock.unitsTotal(), bits);
            int unit = superblock.unitBytes();
            space = new SpaceAccount(superblock.blockFileBytes(), allocator.allocatedUnits() * unit,
                    options.limits().failsafeFullRatio());
            long replayed = DeferredWrites.replay(db, file);
            if (replayed > 0) {
                log.info("mount {}: replayed {} bytes of deferred writes into the block file", dir, replayed);
            }
            DeferredWrites deferred = new DeferredWrites(db, file, options.preferDeferredBytes());
            data = new ObjectData(db, file, allocator, deferred, unit);
            reader = new TxnApplier(db, data, () -> {
                throw new IllegalStateException("invariant violated: readers allocate no nids");
            });
            finisher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new ArrayBlockingQueue<>(FINISHER_QUEUE_MAX), r -> daemon(r, "objectstore-finisher"),
                    new ThreadPoolExecutor.CallerRunsPolicy());
            committer = new GroupCommitter(db, file, allocator, data, deferred, options, space, readerLock, finisher,
                    storedBytes, nextNid);
            committerThread = daemon(committer, "objectstore-commit");
            committerThread.start();
            mounted = true;
            log.info("mounted {}: {} of {} bytes allocated", dir, allocator.allocatedUnits() * unit,
                    superblock.blockFileBytes());
        } catch (IOException e) {
            db.close();
            lock.close();
            throw new UncheckedIOException("mount " + dir, e);
        } catch (RuntimeException e) {
            db.close();
            lock.close();
            throw e;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public synchronized void umount() {
        if (!mounted) {
            return;
        }
        committer.stop();
        try {
            committerThread.join(UMOUNT_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Invariants.check(!committerThread.isAlive(), "committer did not stop within %d ms", UMOUNT_WAIT_MS);
        committer.failQueued(new ObjectStoreException.Unavailable("store unmounted"));
        finisher.shutdown();
        try {
            finisher.awaitTermination(UMOUNT_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readerLock.writeLock().lock();
        try {
            mounted = false;
            db.close();
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException("umount " + dir, e);
        } finally {
            lock.close();
            readerLock.writeLock().unlock();
        }
        log.info("unmounted {}", dir);
    }

    public boolean isMounted() {
        return mounted;
    }

    /** LMDB commits since mount; fewer than submissions when group commit shares them. */
    public long commitCount() {
        requireMounted();
        return committer.commits();
    }

    public long submissionCount() {
        requireMounted();
        return committer.submissionsCommitted();
    }

    /** Bytes written as deferred writes since mount (they reach the block file later). */
    public long deferredBytesCommitted() {
        requireMounted();
        return committer.deferredBytesCommitted();
    }

    /** Bytes written straight to the block file since mount. */
    public long directBytesCommitted() {
        requireMounted();
        return committer.directBytesCommitted();
    }

    /** Metadata syncs a commit needed on its own since mount, with nothing queued after it to carry it. */
    public long loneSyncCount() {
        requireMounted();
        return committer.loneSyncs();
    }

    public Path dir() {
        return dir;
    }

    public int unitBytes() {
        return superblock.unitBytes();
    }

    /** Where an object's data lives in the block file: (logical offset, block file offset, length) per extent. */
    public List<long[]> extentsOf(CollectionId coll, ObjectId oid) {
        return withRead(txn -> {
            Onode o = onode(txn, coll, oid);
            List<long[]> out = new ArrayList<>();
            for (ExtentRecord r : data.records(txn, o.nid(), 0, Long.MAX_VALUE)) {
                out.add(new long[] {r.logicalOffset(), r.physicalOffset(), r.lengthBytes()});
            }
            return out;
        });
    }

    @Override
    public StatFs statfs() {
        requireMounted();
        return space.statfs(committer.storedBytes());
    }

    @Override
    public Reservation reserve(long bytes) {
        requireMounted();
        return space.reserve(bytes);
    }

    @Override
    public CompletableFuture<Void> queueTransactions(List<Transaction> txns) {
        try {
            requireMounted();
            checks.check(txns);
        } catch (ObjectStoreException e) {
            txns.forEach(t -> t.reservation().filter(r -> !r.released()).ifPresent(Reservation::release));
            return CompletableFuture.failedFuture(e);
        }
        return committer.submit(txns);
    }

    private void requireMounted() {
        if (!mounted) {
            throw new ObjectStoreException.Unavailable("store " + dir + " is not mounted");
        }
    }

    /**
     * Runs a read in an LMDB snapshot while holding the reader lock, so that no extent this
     * snapshot sees can be reallocated and overwritten before the read finishes.
     */
    private <T> T withRead(Function<Txn<byte[]>, T> read) {
        readerLock.readLock().lock();
        try {
            requireMounted();
            try (Txn<byte[]> txn = db.env.txnRead()) {
                return read.apply(txn);
            }
        } finally {
            readerLock.readLock().unlock();
        }
    }

    private Onode onode(Txn<byte[]> txn, CollectionId coll, ObjectId oid) {
        reader.range(txn, coll);
        byte[] v = db.onodes.get(txn, Keys.onode(coll, oid));
        if (v == null) {
            throw new ObjectStoreException.NoSuchObject(coll, oid);
        }
        return Onode.decode(v);
    }

    @Override
    public List<CollectionId> listCollections() {
        return withRead(txn -> {
            List<CollectionId> out = new ArrayList<>();
            MetaDb.scan(db.colls, txn, new byte[0], null, (k, v) -> {
                out.add(new CollectionId(new String(k, StandardCharsets.UTF_8)));
                return true;
            });
            return out;
        });
    }

    @Override
    public boolean collectionExists(CollectionId coll) {
        return withRead(txn -> db.colls.get(txn, Keys.coll(coll)) != null);
    }

    @Override
    public HashRange collectionRange(CollectionId coll) {
        return withRead(txn -> reader.range(txn, coll));
    }

    @Override
    public ListPage list(CollectionId coll, Optional<ObjectId> after, int limit) {
        if (limit <= 0) {
            throw new ObjectStoreException.InvalidArgument("list limit must be positive");
        }
        return withRead(txn -> {
            reader.range(txn, coll);
            byte[] prefix = Keys.onodePrefix(coll);
            byte[] from = after.map(a -> Keys.onode(coll, a)).orElse(prefix);
            List<ObjectId> out = new ArrayList<>();
            boolean[] more = {false};
            MetaDb.scan(db.onodes, txn, from, Keys.prefixEnd(prefix), (k, v) -> {
                ObjectId oid = Keys.objectOf(coll, k);
                if (after.isPresent() && oid.equals(after.get())) {
                    return true;
                }
                if (out.size() == limit) {
                    more[0] = true;
                    return false;
                }
                out.add(oid);
                return true;
            });
            return new ListPage(out, more[0] ? Optional.of(out.get(out.size() - 1)) : Optional.empty());
        });
    }

    @Override
    public boolean exists(CollectionId coll, ObjectId oid) {
        return withRead(txn -> {
            reader.range(txn, coll);
            return db.onodes.get(txn, Keys.onode(coll, oid)) != null;
        });
    }

    @Override
    public ObjectStat stat(CollectionId coll, ObjectId oid) {
        return withRead(txn -> {
            Onode o = onode(txn, coll, oid);
            return new ObjectStat(o.sizeBytes(), data.allocatedBytes(txn, o.nid()));
        });
    }

    @Override
    public byte[] read(CollectionId coll, ObjectId oid, long offset, long length) {
        checks.checkRead(offset, length);
        return withRead(txn -> {
            Onode o = onode(txn, coll, oid);
            long len = length == 0 ? Math.max(0, o.sizeBytes() - offset) : length;
            return data.read(txn, TxnApplier.name(coll, oid), o.nid(), o.sizeBytes(), offset, len);
        });
    }

    /**
     * A large read goes from the device straight into a lent direct buffer (one request per run of
     * extents contiguous on the disk), which the caller gives back by closing: no heap array to
     * zero and copy into. Small reads, reads past the buffer's size, and reads while every buffer
     * is lent return an array as {@link #read} does.
     */
    @Override
    public ReadBuffer readBuffer(CollectionId coll, ObjectId oid, long offset, long length) {
        checks.checkRead(offset, length);
        return withRead(txn -> {
            Onode o = onode(txn, coll, oid);
            String name = TxnApplier.name(coll, oid);
            long end = Math.min(o.sizeBytes(), length == 0 ? Long.MAX_VALUE : offset + length);
            if (end <= offset) {
                return ReadBuffer.of(new byte[0]);
            }
            int block = ExtentRecord.CSUM_BLOCK_BYTES;
            long from = offset / block * block;
            long to = (end + block - 1) / block * block;
            ByteBuffer lent = to - from >= BlockFile.DIRECT_READ_MIN_BYTES && to - from <= BlockFile.READ_BUFFER_BYTES
                    && file.aligned(from, to - from) ? file.lendReadBuffer() : null;
            if (lent == null) {
                return ReadBuffer.of(data.read(txn, name, o.nid(), o.sizeBytes(), offset, end - offset));
            }
            try {
                data.readInto(txn, name, o.nid(), from, lent.clear().limit((int) (to - from)));
                ByteBuffer view = lent.duplicate().limit((int) (end - from)).position((int) (offset - from)).slice();
                byte[] array = file.lendReadArray();
                if (array == null) {
                    return ReadBuffer.lent(view, () -> file.giveBack(lent));
                }
                // the direct buffer is the disk's to read into; the bytes go on in an array, which a
                // reply can carry without another copy (and without a fresh 4 MiB array to zero)
                int n = view.remaining();
                view.get(0, array, 0, n);
                file.giveBack(lent);
                return ReadBuffer.lent(new ReadBuffer.ArraySlice(array, 0, n), () -> file.giveBack(array));
            } catch (RuntimeException e) {
                file.giveBack(lent);
                throw e;
            }
        });
    }

    @Override
    public Optional<byte[]> getAttr(CollectionId coll, ObjectId oid, String name) {
        return withRead(txn -> Optional.ofNullable(onode(txn, coll, oid).attrs().get(name)));
    }

    @Override
    public SortedMap<String, byte[]> getAttrs(CollectionId coll, ObjectId oid) {
        return withRead(txn -> {
            TreeMap<String, byte[]> out = new TreeMap<>(Utf8Order.COMPARATOR);
            out.putAll(onode(txn, coll, oid).attrs());
            return out;
        });
    }

    @Override
    public byte[] omapGetHeader(CollectionId coll, ObjectId oid) {
        return withRead(txn -> {
            byte[] v = db.omap.get(txn, Keys.omapHeader(onode(txn, coll, oid).nid()));
            return v == null ? new byte[0] : v;
        });
    }

    @Override
    public OmapKeys omapGetKeys(CollectionId coll, ObjectId oid, OmapQuery query) {
        OmapPage page = omapGetValues(coll, oid, query);
        return new OmapKeys(new ArrayList<>(page.entries().keySet()), page.more());
    }

    @Override
    public OmapPage omapGetValues(CollectionId coll, ObjectId oid, OmapQuery query) {
        return withRead(txn -> {
            long nid = onode(txn, coll, oid).nid();
            String start = query.startAfter().filter(s -> Utf8Order.compare(s, query.prefix()) > 0)
                    .orElse(query.prefix());
            byte[] end = Keys.prefixEnd(Keys.omapEntry(nid, query.prefix()));
            TreeMap<String, byte[]> out = new TreeMap<>(Utf8Order.COMPARATOR);
            boolean[] more = {false};
            MetaDb.scan(db.omap, txn, Keys.omapEntry(nid, start), end, (k, v) -> {
                String key = Keys.omapKeyOf(k);
                if (!query.admits(key)) {
                    return true;
                }
                if (out.size() == query.limit()) {
                    more[0] = true;
                    return false;
                }
                out.put(key, v);
                return true;
            });
            return new OmapPage(out, more[0]);
        });
    }

    @Override
    public SortedMap<String, byte[]> omapGetValuesByKeys(CollectionId coll, ObjectId oid, Set<String> keys) {
        return withRead(txn -> {
            long nid = onode(txn, coll, oid).nid();
            TreeMap<String, byte[]> out = new TreeMap<>(Utf8Order.COMPARATOR);
            for (String k : keys) {
                byte[] v = db.omap.get(txn, Keys.omapEntry(nid, k));
                if (v != null) {
                    out.put(k, v);
                }
            }
            return out;
        });
    }
}
