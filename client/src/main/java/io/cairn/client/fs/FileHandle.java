package io.cairn.client.fs;

import io.cairn.client.RadosException;
import io.cairn.common.ErrorCode;
import io.cairn.common.Invariants;

/**
 * An open file. The mount's handles on one inode share its {@link OpenFile}: the caps the MDS
 * gave, the writes buffered while it allows buffering ({@code Fb}, this mount alone has the file
 * open for writing) and the data cached while it allows caching ({@code Fc}); otherwise writes go
 * straight to the OSDs and reads come from them. The MDS learns the size and mtime at
 * {@link #fsync}, {@link #close} and whenever it takes the caps back; {@link #fsync} also waits for
 * that to be safe. Not safe for use by several threads at once.
 */
public final class FileHandle implements AutoCloseable {
    private final CairnFs fs;
    private final OpenFile file;
    private final boolean write;
    private boolean closed;

    FileHandle(CairnFs fs, OpenFile file, boolean write) {
        this.fs = fs;
        this.file = file;
        this.write = write;
    }

    public long ino() {
        return file.ino;
    }

    /** The file's size as this mount knows it: the MDS's at open, grown by this mount's writes. */
    public long size() {
        return file.size();
    }

    /** The caps this mount holds on the file, as Ceph writes them ({@code pAsxXsxFsxcrwb}). */
    public String caps() {
        return io.cairn.common.fs.Caps.toString(file.issued());
    }

    public void write(long offset, byte[] buf) {
        write(offset, buf, 0, buf.length);
    }

    public void write(long offset, byte[] buf, int from, int length) {
        open();
        if (!write) {
            throw RadosException.of(ErrorCode.EBADF, "inode " + Long.toHexString(file.ino) + " is open for reading only");
        }
        if (offset < 0 || from < 0 || length < 0 || from + length > buf.length) {
            throw new RadosException.InvalidArgument("write of " + length + " bytes at " + offset + " is out of range");
        }
        if (length == 0) {
            return;
        }
        file.write(offset, buf, from, length);
    }

    /** Up to {@code length} bytes from {@code offset}; fewer at the end of the file, none past it. */
    public byte[] read(long offset, int length) {
        open();
        if (offset < 0 || length < 0) {
            throw new RadosException.InvalidArgument("read of " + length + " bytes at " + offset + " is out of range");
        }
        return file.read(offset, length);
    }

    /**
     * Makes the file durable: buffered writes go to the OSDs, the MDS is told the size and mtime
     * they made, and this waits until that change, and every earlier one of this mount, is safe
     * in the MDS's journal.
     */
    public void fsync() {
        open();
        file.flush();
        fs.sync();
    }

    /** Cuts or extends the file to {@code newSize}: bytes past it are gone; an extension reads as zeros. */
    public void truncate(long newSize) {
        open();
        if (newSize < 0) {
            throw new RadosException.InvalidArgument("negative size " + newSize);
        }
        if (!write) {
            throw RadosException.of(ErrorCode.EBADF, "inode " + Long.toHexString(file.ino) + " is open for reading only");
        }
        file.truncate(newSize, () -> fs.setSize(file.ino, newSize));
    }

    private void open() {
        Invariants.check(!closed, "file handle for inode %x is closed", file.ino);
    }

    /**
     * What this handle wrote reaches the OSDs and the MDS learns the size (as close(2): without
     * waiting for it to be safe, see {@link #fsync}); the caps the mount no longer needs go back.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            fs.closed(file, write);
        }
    }
}
