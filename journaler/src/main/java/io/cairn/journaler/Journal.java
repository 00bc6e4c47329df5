package io.cairn.journaler;

import io.cairn.common.layout.StripeLayout;
import io.cairn.common.Futures;
import io.cairn.client.IoCtx;
import io.cairn.client.ObjectWriteOperation;
import io.cairn.client.RadosException;
import io.cairn.proto.v1.CmpOp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Creating, reading, guarding and deleting one journal's objects: the header and the data objects. */
public final class Journal {
    private Journal() {}

    /** Creates an empty journal; {@link RadosException.Exists} if its header is there already. */
    public static JournalHeader create(IoCtx io, JournalObjects objects, StripeLayout layout) {
        JournalHeader h = JournalHeader.empty(layout);
        io.operate(objects.header(), new ObjectWriteOperation().create(true)
                .setXattr(JournalHeader.EPOCH_XATTR, JournalHeader.epochBytes(0)).writeFull(h.encode()));
        return h;
    }

    /** The header as stored; {@link RadosException.NotFound} when there is no such journal. */
    public static JournalHeader readHeader(IoCtx io, JournalObjects objects) {
        return JournalHeader.decode(io.read(objects.header(), 0, 0), "object " + objects.header());
    }

    /** Rewrites the header if the stored epoch is still {@code h.writerEpoch()}; GuardFailed if a newer writer took over. */
    static CompletableFuture<Long> writeHeaderAsync(IoCtx io, JournalObjects objects, JournalHeader h) {
        return io.operateAsync(objects.header(), guarded(h.writerEpoch()).writeFull(h.encode()));
    }

    /** An operation that applies only while the object's epoch xattr is {@code epoch}. */
    static ObjectWriteOperation guarded(long epoch) {
        return new ObjectWriteOperation().cmpXattr(JournalHeader.EPOCH_XATTR, CmpOp.CMP_EQ,
                JournalHeader.epochBytes(epoch));
    }

    /** The data objects that exist, set by set from the one holding {@code fromPos} until a wholly missing set. */
    static List<Long> existingDataObjects(IoCtx io, JournalObjects objects, StripeLayout layout, long fromPos) {
        List<Long> out = new ArrayList<>();
        // a journal's object sets are contiguous: the first wholly missing one ends it
        for (long set = layout.objectSetOf(fromPos); ; set++) {
            boolean any = false;
            List<CompletableFuture<Boolean>> probes = new ArrayList<>();
            for (int i = 0; i < layout.stripeCount(); i++) {
                long no = layout.firstObjectOf(set) + i;
                probes.add(io.operateAsync(objects.data(no), new io.cairn.client.ObjectReadOperation().stat())
                        .thenApply(r -> true).exceptionally(t -> notFound(t) ? false : rethrow(t)));
            }
            for (int i = 0; i < probes.size(); i++) {
                if (Futures.join(probes.get(i))) {
                    out.add(layout.firstObjectOf(set) + i);
                    any = true;
                }
            }
            if (!any) {
                return out;
            }
        }
    }

    /** Deletes every object of the journal: data from the set holding trimmed_pos on, then the header. */
    public static void delete(IoCtx io, JournalObjects objects) {
        JournalHeader h;
        try {
            h = readHeader(io, objects);
        } catch (RadosException.NotFound gone) {
            return;
        }
        List<CompletableFuture<Long>> removes = new ArrayList<>();
        for (long no : existingDataObjects(io, objects, h.layout(), h.trimmedPos())) {
            removes.add(io.removeAsync(objects.data(no)).exceptionally(t -> notFound(t) ? 0L : rethrow(t)));
        }
        removes.forEach(Futures::join);
        try {
            io.remove(objects.header());
        } catch (RadosException.NotFound gone) {
            // removed by another cleaner at the same time
        }
    }

    static boolean notFound(Throwable t) {
        return cause(t) instanceof RadosException.NotFound;
    }

    static Throwable cause(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    static <T> T rethrow(Throwable t) {
        if (cause(t) instanceof RuntimeException re) {
            throw re;
        }
        throw new java.util.concurrent.CompletionException(cause(t));
    }
}
