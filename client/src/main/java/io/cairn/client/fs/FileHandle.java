package io.cairn.client.fs;

import io.cairn.client.RadosException;
import io.cairn.common.Invariants;

/**
 * An open file. Writes go straight to the file's data objects on the OSDs (each call returns once
 * every replica has it); the new size and mtime reach the MDS at {@link #fsync} and {@link #close},
 * as a writer's update that only grows the size, and {@link #fsync} waits for it to be safe. Not
 * safe for use by several threads at once.
 */
public final class FileHandle implements AutoCloseable {
    private final CairnFs fs;
    private final long ino;
    private final FileData data;
    private long sizeBytes;
    private long mtimeMs;
    private boolean dirty;
    private boolean closed;

    FileHandle(CairnFs fs, long ino, FileData data, long sizeBytes) {
        this.fs = fs;
        this.ino = ino;
        this.data = data;
        this.sizeBytes = sizeBytes;
    }

    public long ino() {
        return ino;
    }

    /** The file's size as this handle knows it: the MDS's at open, grown by this handle's writes. */
    public long size() {
        return sizeBytes;
    }

    public void write(long offset, byte[] buf) {
        write(offset, buf, 0, buf.length);
    }

    public void write(long offset, byte[] buf, int from, int length) {
        open();
        if (offset < 0 || from < 0 || length < 0 || from + length > buf.length) {
            throw new RadosException.InvalidArgument("write of " + length + " bytes at " + offset + " is out of range");
        }
        if (length == 0) {
            return;
        }
        data.write(offset, buf, from, length);
        sizeBytes = Math.max(sizeBytes, offset + length);
        mtimeMs = System.currentTimeMillis();
        dirty = true;
    }

    /** Up to {@code length} bytes from {@code offset}; fewer at the end of the file, none past it. */
    public byte[] read(long offset, int length) {
        open();
        if (offset < 0 || length < 0) {
            throw new RadosException.InvalidArgument("read of " + length + " bytes at " + offset + " is out of range");
        }
        return data.read(offset, length, sizeBytes);
    }

    /**
     * Makes the file durable: its data is on the OSDs already (each write returned once every
     * replica had it); this tells the MDS the size and mtime the writes made and waits until that
     * change, and every earlier one of this mount, is safe in the MDS's journal.
     */
    public void fsync() {
        open();
        updateMds();
        fs.sync();
    }

    private void updateMds() {
        if (dirty) {
            fs.writerUpdate(ino, sizeBytes, mtimeMs);
            dirty = false;
        }
    }

    /** Cuts or extends the file to {@code newSize}: bytes past it are gone; an extension reads as zeros. */
    public void truncate(long newSize) {
        open();
        if (newSize < 0) {
            throw new RadosException.InvalidArgument("negative size " + newSize);
        }
        updateMds();
        long known = Math.max(sizeBytes, fs.getattr(ino).sizeBytes());
        data.truncate(newSize, known);
        fs.setSize(ino, newSize);
        sizeBytes = newSize;
    }

    private void open() {
        Invariants.check(!closed, "file handle for inode %x is closed", ino);
    }

    /** Tells the MDS the size and mtime the writes made (as close(2), without waiting for them to be safe: see {@link #fsync}). */
    @Override
    public void close() {
        if (!closed) {
            updateMds();
            closed = true;
        }
    }
}
