package io.cairn.objectstore.block;

import com.sun.nio.file.ExtendedOpenOption;
import io.cairn.common.Invariants;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The preallocated file object data lives in, addressed by byte offset. Aligned writes go to the
 * device directly ({@code O_DIRECT}), as BlueStore's do: through the page cache every byte was
 * copied into a fresh cache page, dirtied, accounted and written back by kernel threads, which cost
 * an OSD a fifth of its CPU on 4 MiB writes, and the cached copy was never read (a read of a
 * fresh object is a remote client's, long after). Large reads bypass the cache too; small reads,
 * deferred writes and unaligned writes use it.
 * Linux keeps the two coherent: a direct write drops cached pages of its range, and a direct read
 * first writes back dirty ones.
 */
final class BlockFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlockFile.class);
    private static final int BLOCK = ExtentRecord.CSUM_BLOCK_BYTES;
    /** Preallocation through the page cache writes zeros in pieces this big. */
    private static final int ZERO_FILL_BYTES = 1 << 20;
    /** Direct writes (data, and mkfs's zeros) go out of an aligned buffer this big, one device write per fill. */
    static final int DIRECT_STAGING_BYTES = 4 << 20;
    /** Reads this large or larger go to the device directly (see {@link #read}). */
    static final int DIRECT_READ_MIN_BYTES = 128 << 10;
    /** A whole default-sized object in one device request. */
    static final int READ_BUFFER_BYTES = 4 << 20;
    /** Direct reads in flight at once; more wait for none, they read through the page cache. */
    static final int READ_BUFFERS_MAX = 12;
    /**
     * Arrays a direct read's bytes are handed on in, at most: each stays on the heap for good once
     * made, so a handful (an OSD's reads in flight at once are fewer than its op threads); a read
     * that finds none lent out hands on the direct buffer itself.
     */
    static final int READ_ARRAYS_MAX = 4;

    private final FileChannel channel;
    /** The same file opened O_DIRECT, or null where the file system refuses it (tmpfs). */
    private final FileChannel direct;
    private final int directAlignBytes;
    /** guarded by this; made on the first direct write */
    private ByteBuffer staging;
    private final long sizeBytes;
    private final ArrayBlockingQueue<ByteBuffer> readBuffers = new ArrayBlockingQueue<>(READ_BUFFERS_MAX);
    private final AtomicInteger readBuffersMade = new AtomicInteger();
    private final ArrayBlockingQueue<byte[]> readArrays = new ArrayBlockingQueue<>(READ_ARRAYS_MAX);
    private final AtomicInteger readArraysMade = new AtomicInteger();

    private BlockFile(FileChannel channel, FileChannel direct, int directAlignBytes, long sizeBytes) {
        this.channel = channel;
        this.direct = direct;
        this.directAlignBytes = directAlignBytes;
        this.sizeBytes = sizeBytes;
    }

    /**
     * Creates the file and writes every byte, so later writes cannot fail for lack of disk space
     * and every later write overwrites blocks the file system has already mapped. A fallocate'd
     * file promised the space in milliseconds, but its extents stayed "unwritten" and each first
     * write had to convert them in the file system's journal: 4 MiB store writes ran at 207 MB/s
     * against 448 MB/s over written blocks, 4 KiB durable writes at 715 against 1117 IOPS. The
     * zeros go out with direct I/O where the file system allows it (twice the speed of writing
     * them through the page cache here), else buffered.
     */
    static void create(Path path, long sizeBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long pos = zeroFillDirect(path, sizeBytes);
            ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_FILL_BYTES);
            while (pos < sizeBytes) {
                zeros.clear().limit((int) Math.min(ZERO_FILL_BYTES, sizeBytes - pos));
                pos += ch.write(zeros, pos);
            }
            ch.force(true);
        }
    }

    /** Writes zeros from the start with direct I/O, in whole file-system blocks; returns how far it got. */
    private static long zeroFillDirect(Path path, long sizeBytes) throws IOException {
        int align = directAlignBytes(path);
        FileChannel ch = align == 0 ? null : openDirect(path);
        if (ch == null) {
            return 0;
        }
        long pos = 0;
        try (ch) {
            ByteBuffer zeros = alignedBuffer(align);
            long wholeBlocks = sizeBytes / align * align;
            while (pos < wholeBlocks) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), wholeBlocks - pos));
                pos += ch.write(zeros, pos);
            }
        }
        return pos;
    }

    /** The file system's block size when direct I/O can use it, else 0. */
    private static int directAlignBytes(Path path) {
        try {
            long align = Files.getFileStore(path).getBlockSize();
            return align > 0 && align <= DIRECT_STAGING_BYTES && Long.bitCount(align) == 1 ? (int) align : 0;
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }

    /** {@code path} opened for O_DIRECT writes, or null (logged) where the file system refuses it. */
    private static FileChannel openDirect(Path path) {
        try {
            return FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("block file {}: direct I/O unavailable ({}); writing through the page cache", path, e.toString());
            return null;
        }
    }

    private static ByteBuffer alignedBuffer(int align) {
        return alignedDirect(DIRECT_STAGING_BYTES, align);
    }

    /**
     * A direct buffer of exactly {@code bytes} whose start is {@code align}-aligned. The slice is cut
     * to {@code bytes}: {@code alignedSlice} alone keeps the spare {@code align} bytes whenever the
     * allocation happens to start aligned, and lent buffers are recognised by their capacity.
     */
    static ByteBuffer alignedDirect(int bytes, int align) {
        return ByteBuffer.allocateDirect(bytes + align).alignedSlice(align).limit(bytes).slice();
    }

    static BlockFile open(Path path, long expectedSizeBytes) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = ch.size();
        if (size < expectedSizeBytes) {
            ch.close();
            throw new IOException("block file " + path + " is " + size + " bytes, superblock says " + expectedSizeBytes);
        }
        int align = directAlignBytes(path);
        FileChannel direct = align == 0 ? null : openDirect(path);
        return new BlockFile(ch, direct, direct == null ? 0 : align, expectedSizeBytes);
    }

    long sizeBytes() {
        return sizeBytes;
    }

    /**
     * Writes {@code b}'s remaining bytes (whole checksum blocks) at {@code offset}, consuming it,
     * and returns the crc32c of each block as written. Direct writes checksum their aligned copy:
     * a payload's read-only view has no array for the intrinsic, and checksumming it went through a
     * scratch copy of every block.
     */
    int[] write(long offset, ByteBuffer b) {
        int length = b.remaining();
        Invariants.check(offset >= 0 && offset + length <= sizeBytes, "write past block file end");
        Invariants.check(length % BLOCK == 0, "block file writes are whole checksum blocks");
        int[] crcs = new int[length / BLOCK];
        try {
            if (direct != null && offset % directAlignBytes == 0 && length % directAlignBytes == 0) {
                writeDirect(offset, b, crcs);
                return crcs;
            }
            Checksums.of(b, crcs, 0);
            long pos = offset;
            while (b.hasRemaining()) {
                pos += channel.write(b, pos);
            }
            return crcs;
        } catch (IOException e) {
            throw new UncheckedIOException("block file write at " + offset, e);
        }
    }

    /**
     * Writes {@code b} at {@code offset} through the page cache: a deferred write, whose durable
     * copy is its metadata record until the next sync of this file.
     */
    void writeCached(long offset, byte[] b) {
        Invariants.check(offset >= 0 && offset + b.length <= sizeBytes, "write past block file end");
        ByteBuffer buf = ByteBuffer.wrap(b);
        try {
            long pos = offset;
            while (buf.hasRemaining()) {
                pos += channel.write(buf, pos);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("block file write at " + offset, e);
        }
    }

    private synchronized void writeDirect(long offset, ByteBuffer b, int[] crcs) throws IOException {
        if (staging == null) {
            staging = alignedBuffer(directAlignBytes);
        }
        long pos = offset;
        int block = 0;
        while (b.hasRemaining()) {
            // the length is whole checksum blocks, which are whole file-system blocks here
            int n = Math.min(b.remaining(), staging.capacity());
            staging.clear();
            staging.put(staging.position(), b, b.position(), n);
            b.position(b.position() + n);
            staging.limit(n);
            block += Checksums.of(staging, crcs, block);
            while (staging.hasRemaining()) {
                pos += direct.write(staging, pos);
            }
        }
    }

    /**
     * Reads {@code length} bytes at {@code offset} into {@code into}. A large aligned read goes to
     * the device directly, through a lent buffer ({@link #lendReadBuffer}); small reads, which may
     * meet a deferred write not yet written back, use the page cache.
     */
    void read(long offset, byte[] into, int from, int length) {
        Invariants.check(offset >= 0 && offset + length <= sizeBytes, "read past block file end");
        if (length >= DIRECT_READ_MIN_BYTES && aligned(offset, length)) {
            ByteBuffer staging = lendReadBuffer();
            if (staging != null) {
                try {
                    for (int done = 0; done < length; ) {
                        int n = Math.min(staging.capacity(), length - done);
                        readDirect(offset + done, staging.clear().limit(n));
                        staging.get(0, into, from + done, n);
                        done += n;
                    }
                    return;
                } finally {
                    giveBack(staging);
                }
            }
        }
        try {
            readFully(channel, ByteBuffer.wrap(into, from, length), offset);
        } catch (IOException e) {
            throw new UncheckedIOException("block file read at " + offset, e);
        }
    }

    /** Whether a read of {@code length} at {@code offset} can go to the device directly. */
    boolean aligned(long offset, long length) {
        return direct != null && offset % directAlignBytes == 0 && length % directAlignBytes == 0;
    }

    /**
     * Reads {@code dest}'s remaining bytes at {@code offset} from the device directly, as BlueStore
     * reads: through the page cache a cold object came in readahead-sized pieces, copied into fresh
     * cache pages and out again, and then sat in the cache crowding out what the host needs,
     * though a client rarely reads the same object twice soon. {@code dest} is a lent buffer.
     */
    void readDirect(long offset, ByteBuffer dest) {
        Invariants.check(offset >= 0 && offset + dest.remaining() <= sizeBytes, "read past block file end");
        Invariants.check(aligned(offset, dest.remaining()) && dest.isDirect(), "unaligned direct read");
        try {
            readFully(direct, dest, offset);
        } catch (IOException e) {
            throw new UncheckedIOException("block file read at " + offset, e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long offset) throws IOException {
        long pos = offset;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new IOException("unexpected end of block file at " + pos);
            }
            pos += n;
        }
    }

    /**
     * An aligned direct buffer of {@link #READ_BUFFER_BYTES} for reads to go into from the device,
     * or null when there is no direct I/O here or all {@link #READ_BUFFERS_MAX} are lent out (the
     * caller then reads through the page cache). Give it back once its bytes are used.
     */
    ByteBuffer lendReadBuffer() {
        if (direct == null) {
            return null;
        }
        ByteBuffer b = readBuffers.poll();
        if (b != null) {
            return b;
        }
        for (int made = readBuffersMade.get(); made < READ_BUFFERS_MAX; made = readBuffersMade.get()) {
            if (readBuffersMade.compareAndSet(made, made + 1)) {
                return alignedDirect(READ_BUFFER_BYTES, directAlignBytes);
            }
        }
        return null;
    }

    void giveBack(ByteBuffer b) {
        Invariants.check(b.capacity() == READ_BUFFER_BYTES, "not a lent read buffer");
        readBuffers.offer(b.clear());
    }

    /**
     * A heap array of {@link #READ_BUFFER_BYTES} to hand a direct read's bytes on in, or null when
     * all {@link #READ_ARRAYS_MAX} are lent out. Its contents are whatever the last borrower left.
     */
    byte[] lendReadArray() {
        byte[] a = readArrays.poll();
        if (a != null) {
            return a;
        }
        for (int made = readArraysMade.get(); made < READ_ARRAYS_MAX; made = readArraysMade.get()) {
            if (readArraysMade.compareAndSet(made, made + 1)) {
                return new byte[READ_BUFFER_BYTES];
            }
        }
        return null;
    }

    void giveBack(byte[] a) {
        Invariants.check(a.length == READ_BUFFER_BYTES, "not a lent read array");
        Invariants.check(readArrays.offer(a), "more read arrays given back than were lent");
    }

    /** Makes written data durable (fdatasync: direct writes too need it, for the device's cache and the extents). */
    void sync() {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("block file sync", e);
        }
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            if (direct != null) {
                direct.close();
            }
        }
    }
}
