package io.cairn.client.fs;

import io.cairn.client.IoCtx;
import io.cairn.client.ObjectWriteOperation;
import io.cairn.client.RadosException;
import io.cairn.common.layout.StripeLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A file's bytes in the data pool: objects {@code <ino hex>.<object number, 8 hex>} striped by the
 * file's layout, as CephFS names them. A missing object or a short one reads as zeros (a hole),
 * up to the file's size. The client talks to the OSDs directly; the MDS only learns the size.
 */
final class FileData {
    private final IoCtx data;
    private final long ino;
    private final StripeLayout layout;

    FileData(IoCtx data, long ino, StripeLayout layout) {
        this.data = data;
        this.ino = ino;
        this.layout = layout;
    }

    static String objectName(long ino, long objectNo) {
        return String.format(Locale.ROOT, "%x.%08x", ino, objectNo);
    }

    void write(long offset, byte[] buf, int from, int length) {
        List<CompletableFuture<Long>> writes = new ArrayList<>();
        for (StripeLayout.Extent e : layout.extents(offset, length)) {
            byte[] piece = new byte[e.lengthBytes()];
            System.arraycopy(buf, from + (int) (e.streamPos() - offset), piece, 0, piece.length);
            writes.add(data.writeAsync(objectName(ino, e.objectNo()), piece, e.objectOffset()));
        }
        writes.forEach(FileData::join);
    }

    /** Reads [offset, offset + length) of a file of {@code fileSize} bytes; returns the bytes there (fewer at the end). */
    byte[] read(long offset, int length, long fileSize) {
        if (offset >= fileSize || length <= 0) {
            return new byte[0];
        }
        int n = (int) Math.min(length, fileSize - offset);
        byte[] out = new byte[n];
        List<StripeLayout.Extent> extents = layout.extents(offset, n);
        List<CompletableFuture<byte[]>> reads = new ArrayList<>();
        for (StripeLayout.Extent e : extents) {
            reads.add(data.readAsync(objectName(ino, e.objectNo()), e.lengthBytes(), e.objectOffset())
                    .exceptionally(t -> {
                        if (unwrap(t) instanceof RadosException.NotFound) {
                            return new byte[0];
                        }
                        throw t instanceof CompletionException ce ? ce : new CompletionException(t);
                    }));
        }
        for (int i = 0; i < extents.size(); i++) {
            byte[] got = join(reads.get(i));
            StripeLayout.Extent e = extents.get(i);
            // the rest of the piece stays zero: a hole or an object shorter than the file
            System.arraycopy(got, 0, out, (int) (e.streamPos() - offset), Math.min(got.length, e.lengthBytes()));
        }
        return out;
    }

    /** Cuts the data from {@code newSize} up to {@code oldSize}: objects wholly past it go, the one it falls in is cut. */
    void truncate(long newSize, long oldSize) {
        if (oldSize <= newSize) {
            return;
        }
        long firstSet = layout.objectSetOf(newSize);
        long lastSet = layout.objectSetOf(oldSize - 1);
        List<CompletableFuture<Long>> cuts = new ArrayList<>();
        for (long set = firstSet; set <= lastSet; set++) {
            long first = layout.firstObjectOf(set);
            for (long obj = first; obj < first + layout.stripeCount(); obj++) {
                long keep = layout.objectOffsetAtOrAfter(obj, newSize);
                String name = objectName(ino, obj);
                if (keep == 0) {
                    cuts.add(data.removeAsync(name).exceptionally(FileData::ignoreMissing));
                } else if (keep < layout.objectSizeBytes()) {
                    cuts.add(data.operateAsync(name, new ObjectWriteOperation().truncate(keep))
                            .exceptionally(FileData::ignoreMissing));
                }
            }
        }
        cuts.forEach(FileData::join);
    }

    private static long ignoreMissing(Throwable t) {
        if (unwrap(t) instanceof RadosException.NotFound) {
            return 0L;
        }
        throw t instanceof CompletionException ce ? ce : new CompletionException(t);
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable c = unwrap(e);
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new RadosException.IoError(String.valueOf(c));
        }
    }
}
