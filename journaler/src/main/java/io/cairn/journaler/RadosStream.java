package io.cairn.journaler;

import io.cairn.common.layout.StripeLayout;
import io.cairn.client.IoCtx;
import io.cairn.client.RadosException;
import io.cairn.common.Futures;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A journal's stream read from its data objects; a missing object or a short object ends the read there. */
final class RadosStream implements StreamSource {
    private final IoCtx io;
    private final JournalObjects objects;
    private final StripeLayout layout;

    RadosStream(IoCtx io, JournalObjects objects, StripeLayout layout) {
        this.io = io;
        this.objects = objects;
        this.layout = layout;
    }

    @Override
    public byte[] read(long pos, int length) {
        List<StripeLayout.Extent> extents = layout.extents(pos, length);
        List<CompletableFuture<byte[]>> reads = new ArrayList<>(extents.size());
        for (StripeLayout.Extent e : extents) {
            reads.add(io.readAsync(objects.data(e.objectNo()), e.lengthBytes(), e.objectOffset())
                    .exceptionally(RadosStream::missingAsEmpty));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        for (int i = 0; i < extents.size(); i++) {
            byte[] got = Futures.join(reads.get(i));
            out.write(got, 0, got.length);
            if (got.length < extents.get(i).lengthBytes()) {
                break;
            }
        }
        return out.toByteArray();
    }

    private static byte[] missingAsEmpty(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof RadosException.NotFound) {
            return new byte[0];
        }
        throw t instanceof CompletionException ce ? ce : new CompletionException(cause);
    }

}
