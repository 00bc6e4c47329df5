package io.cairn.objectstore.block;

import io.cairn.objectstore.ObjectStoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a store to one user at a time, as Ceph's OSD locks its fsid file: a mounted store and an
 * offline fsck of the same directory would each trust their own view of the allocator. An OS file
 * lock, so a process killed with -9 leaves none behind.
 */
final class StoreLock implements AutoCloseable {
    static final String FILE = "lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StoreLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of the store at {@code dir}, or fails at once if someone holds it. */
    static StoreLock acquire(Path dir) {
        FileChannel ch;
        try {
            ch = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("lock " + dir, e);
        }
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("lock " + dir, e);
        }
        if (l == null) {
            closeQuietly(ch);
            throw new ObjectStoreException.Unavailable("the store at " + dir
                    + " is in use (is its OSD running?); stop it first");
        }
        return new StoreLock(ch, l);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // the lock is what mattered, and it was not taken
        }
    }

    @Override
    public void close() {
        try (channel) {
            lock.release();
        } catch (IOException e) {
            throw new UncheckedIOException("unlock", e);
        }
    }
}
