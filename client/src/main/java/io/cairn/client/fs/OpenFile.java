package io.cairn.client.fs;

import io.cairn.client.RadosException;
import io.cairn.common.fs.Caps;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One inode this mount has open, shared by the mount's handles on it: the caps the MDS gave on
 * it, writes buffered while the caps include {@code Fb}, data cached while they include
 * {@code Fc}, and the size and mtime the writes made that the MDS has not been told yet. Reads
 * wait for {@code Fr}, writes for {@code Fw}. A revocation first narrows the caps (nothing new is
 * buffered or cached from then on), then writes the buffer back to the OSDs and tells the MDS the
 * size, then drops the cache; only then is it acknowledged, so a client given the caps next reads
 * every byte written before.
 */
final class OpenFile {
    /** Data is cached in blocks of this many bytes. */
    static final int CACHE_BLOCK_BYTES = 64 << 10;
    private static final int CACHE_BLOCKS_MAX = 256;
    /** Buffered writes past this many bytes are written back at once. */
    static final long BUFFER_MAX_BYTES = 8 << 20;

    /** What the file needs of the mount (the MDS and the OSDMap). */
    interface Mount {
        /** Tells the MDS the size and mtime writes made (returns once the MDS applied it). */
        void writerUpdate(long ino, long sizeBytes, long mtimeMs);

        /** The MDS's size of the file now. */
        long mdsSize(long ino);

        /** Waits until the client's OSDMap is at least {@code epoch} (a barrier a cap grant carried). */
        void awaitOsdEpoch(int epoch, long deadlineMs);

        /** Tells the MDS the caps the mount wants on the file now. */
        void want(long ino, int wanted);
    }

    private record Extent(long offset, byte[] bytes) {}

    final long ino;
    private final FileData data;
    private final Mount mount;
    private final long opTimeoutMs;
    // guarded by this
    private int readers;
    private int writers;
    private int issued;
    private int osdEpochBarrier;
    /**
     * Whether the MDS has been asked for caps on the file: only at its first read, write or
     * truncate, so a file created or opened and closed without I/O costs the MDS no cap messages.
     */
    private boolean asked;
    private String dead;
    private long sizeBytes;
    private long mtimeMs;
    private boolean sizeDirty;
    private final List<Extent> buffer = new ArrayList<>();
    private long bufferedBytes;
    private final LinkedHashMap<Long, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > CACHE_BLOCKS_MAX;
        }
    };

    OpenFile(long ino, FileData data, Mount mount, long sizeBytes, long opTimeoutMs) {
        this.ino = ino;
        this.data = data;
        this.mount = mount;
        this.sizeBytes = sizeBytes;
        this.opTimeoutMs = opTimeoutMs;
    }

    /** The caps this mount wants on the file for its open handles (0: none open). */
    synchronized int wanted() {
        return (readers + writers == 0 ? 0 : Caps.WANT_READ) | (writers == 0 ? 0 : Caps.WANT_WRITE);
    }

    synchronized void opened(boolean write, long mdsSizeBytes) {
        if (write) {
            writers++;
        } else {
            readers++;
        }
        if (!sizeDirty && bufferedBytes == 0) {
            sizeBytes = mdsSizeBytes;
        }
    }

    /** A handle closes: what it wrote reaches the OSDs and the MDS learns the size; true when none is open now. */
    synchronized boolean closed(boolean write) {
        if (write) {
            writers--;
        } else {
            readers--;
        }
        flushLocked();
        return readers + writers == 0;
    }

    synchronized long size() {
        return sizeBytes;
    }

    synchronized int issued() {
        return issued;
    }

    synchronized boolean asked() {
        return asked;
    }

    /** The first I/O through any handle asks the MDS for the caps the open handles want. */
    private void askOnce() {
        if (!asked) {
            asked = true;
            mount.want(ino, wanted());
        }
    }

    void write(long offset, byte[] buf, int from, int length) {
        synchronized (this) {
            long deadlineMs = System.currentTimeMillis() + opTimeoutMs;
            askOnce();
            awaitCaps(Caps.FILE_WR, deadlineMs);
            mount.awaitOsdEpoch(osdEpochBarrier, deadlineMs);
            dropCached(offset, length);
            if ((issued & Caps.FILE_BUFFER) != 0) {
                byte[] copy = new byte[length];
                System.arraycopy(buf, from, copy, 0, length);
                buffer.add(new Extent(offset, copy));
                bufferedBytes += length;
            } else {
                data.write(offset, buf, from, length);
            }
            sizeBytes = Math.max(sizeBytes, offset + length);
            mtimeMs = System.currentTimeMillis();
            sizeDirty = true;
            if (bufferedBytes > BUFFER_MAX_BYTES) {
                writeBack();
            }
        }
    }

    synchronized byte[] read(long offset, int length) {
        long deadlineMs = System.currentTimeMillis() + opTimeoutMs;
        askOnce();
        awaitCaps(Caps.FILE_RD, deadlineMs);
        if ((issued & Caps.FILE_SHARED) == 0 && !sizeDirty) {
            // another client may be writing: the size is the MDS's, asked each time
            sizeBytes = mount.mdsSize(ino);
        }
        if (offset >= sizeBytes || length <= 0) {
            return new byte[0];
        }
        int n = (int) Math.min(length, sizeBytes - offset);
        byte[] out = (issued & Caps.FILE_CACHE) != 0 ? readCached(offset, n) : data.read(offset, n, sizeBytes);
        // this mount's own writes not yet on the OSDs, in the order they were made
        for (Extent e : buffer) {
            long from = Math.max(offset, e.offset());
            long to = Math.min(offset + n, e.offset() + e.bytes().length);
            if (from < to) {
                System.arraycopy(e.bytes(), (int) (from - e.offset()), out, (int) (from - offset), (int) (to - from));
            }
        }
        return out;
    }

    private byte[] readCached(long offset, int n) {
        byte[] out = new byte[n];
        long first = offset / CACHE_BLOCK_BYTES;
        long last = (offset + n - 1) / CACHE_BLOCK_BYTES;
        for (long b = first; b <= last; b++) {
            long blockStart = b * CACHE_BLOCK_BYTES;
            byte[] block = cache.get(b);
            if (block == null) {
                block = data.read(blockStart, CACHE_BLOCK_BYTES, sizeBytes);
                cache.put(b, block);
            }
            long from = Math.max(offset, blockStart);
            long to = Math.min(offset + n, blockStart + block.length);
            if (from < to) {
                System.arraycopy(block, (int) (from - blockStart), out, (int) (from - offset), (int) (to - from));
            }
        }
        return out;
    }

    /** Buffered writes to the OSDs and the size to the MDS (fsync, close, truncate). */
    synchronized void flush() {
        flushLocked();
    }

    /** Cuts or extends the file; the buffer goes to the OSDs first, the cache is dropped. */
    synchronized void truncate(long newSize, Runnable setMdsSize) {
        long deadlineMs = System.currentTimeMillis() + opTimeoutMs;
        askOnce();
        awaitCaps(Caps.FILE_WR, deadlineMs);
        mount.awaitOsdEpoch(osdEpochBarrier, deadlineMs);
        flushLocked();
        long known = Math.max(sizeBytes, mount.mdsSize(ino));
        data.truncate(newSize, known);
        setMdsSize.run();
        cache.clear();
        sizeBytes = newSize;
    }

    private void flushLocked() {
        writeBack();
        if (sizeDirty) {
            mount.writerUpdate(ino, sizeBytes, mtimeMs);
            sizeDirty = false;
        }
    }

    private void writeBack() {
        for (Extent e : buffer) {
            data.write(e.offset(), e.bytes(), 0, e.bytes().length);
        }
        buffer.clear();
        bufferedBytes = 0;
    }

    private void dropCached(long offset, int length) {
        if (cache.isEmpty() || length == 0) {
            return;
        }
        long first = offset / CACHE_BLOCK_BYTES;
        long last = (offset + length - 1) / CACHE_BLOCK_BYTES;
        for (Iterator<Long> it = cache.keySet().iterator(); it.hasNext(); ) {
            long b = it.next();
            if (b >= first && b <= last) {
                it.remove();
            }
        }
    }

    /** The MDS gave caps (more, or the same again). */
    synchronized void granted(int caps, int barrier) {
        issued = caps;
        osdEpochBarrier = Math.max(osdEpochBarrier, barrier);
        notifyAll();
    }

    /**
     * The MDS takes caps back: narrows them first, then writes back and drops what the lost caps
     * covered. Returns what the file holds now, to acknowledge.
     */
    synchronized int revoke(int keep) {
        int lost = issued & ~keep;
        issued &= keep;
        if ((lost & (Caps.FILE_BUFFER | Caps.FILE_WR | Caps.FILE_EXCL | Caps.FILE_SHARED)) != 0) {
            flushLocked();
        }
        if ((lost & Caps.FILE_CACHE) != 0) {
            cache.clear();
        }
        return issued;
    }

    /** The session went stale or to a new MDS: the caps are not known to hold any more. */
    synchronized void capsLost() {
        issued = 0;
        cache.clear();
    }

    /** The mount was evicted: every wait ends, every call fails. */
    synchronized void kill(String why) {
        dead = why;
        buffer.clear();
        bufferedBytes = 0;
        notifyAll();
    }

    private void awaitCaps(int needed, long deadlineMs) {
        while ((issued & needed) != needed) {
            if (dead != null) {
                throw new RadosException.Blocklisted(dead);
            }
            long leftMs = deadlineMs - System.currentTimeMillis();
            if (leftMs <= 0) {
                throw new RadosException.Timeout("inode " + Long.toHexString(ino) + ": the MDS did not grant "
                        + Caps.toString(needed) + " within " + opTimeoutMs + " ms (holding " + Caps.toString(issued)
                        + ")");
            }
            try {
                wait(Math.min(leftMs, 1_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RadosException.IoError("interrupted");
            }
        }
        if (dead != null) {
            throw new RadosException.Blocklisted(dead);
        }
    }
}
