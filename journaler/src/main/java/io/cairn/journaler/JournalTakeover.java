package io.cairn.journaler;

import io.cairn.common.layout.StripeLayout;
import io.cairn.common.Futures;
import io.cairn.client.IoCtx;
import io.cairn.client.ObjectReadOperation;
import io.cairn.client.ObjectWriteOperation;
import io.cairn.client.RadosException;
import io.cairn.proto.v1.CmpOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a writer takes a journal, in this order, each step durable before the next:
 * <ol>
 * <li>bump the writer epoch in the header, guarded on the epoch it read, so of two writers
 *     starting at once one wins;</li>
 * <li>stamp the new epoch on every data object from the one holding {@code write_pos} on, and
 *     create the missing ones of those object sets and of the first empty set, so that every
 *     write of an older writer (each guarded on its own epoch, and each new object created
 *     exclusively) is refused from now on;</li>
 * <li>only then find the end: the last whole, valid entry ({@link JournalScan});</li>
 * <li>cut each object's bytes after that end, so a later reader cannot mistake an old tail
 *     for new entries, and record the end as {@code write_pos}.</li>
 * </ol>
 * Blocking: run it on a thread of the caller's, never on a client event loop.
 */
final class JournalTakeover {
    private static final Logger LOG = LoggerFactory.getLogger(JournalTakeover.class);
    private static final int EPOCH_RACE_RETRIES_MAX = 8;

    /** The taken journal: its header as now stored, the data objects stamped with the epoch, and what recovery found. */
    record Taken(JournalHeader header, Set<Long> stampedObjects, JournalScan.Result recovery) { }

    private JournalTakeover() {}

    static Taken run(IoCtx io, JournalObjects objects, JournalOptions opts) {
        JournalHeader h = bumpEpoch(io, objects);
        long epoch = h.writerEpoch();
        StripeLayout layout = h.layout();
        Set<Long> stamped = new TreeSet<>(stamp(io, objects, layout, layout.objectSetOf(h.writePos()), Long.MAX_VALUE,
                epoch));
        FrameScanner scanner = new FrameScanner(new RadosStream(io, objects, layout), opts.maxEntryBytes(),
                layout.stripeUnitBytes());
        long from = h.writePos();
        if (from > h.expirePos() && scanner.entryEndingAt(from) == null) {
            LOG.warn("journal {}: no valid entry ends at the header's write_pos {}; scanning from expire_pos {}",
                    objects.name(), from, h.expirePos());
            from = h.expirePos();
        }
        JournalScan.Result found = JournalScan.run(scanner, from, h.writePos(), JournalScan.OnDamage.STOP, e -> { });
        if (found.stoppedOnDamage()) {
            JournalScan.Stretch d = found.damaged().get(0);
            throw new JournalException.Damaged(objects.name(), d.pos(), d.endPos());
        }
        logTail(objects, found);
        long end = found.endPos();
        if (layout.objectSetOf(end) < layout.objectSetOf(h.writePos())) {
            // the end went back past the stamped sets: its objects are ours to write too
            stamped.addAll(stamp(io, objects, layout, layout.objectSetOf(end), layout.objectSetOf(h.writePos()), epoch));
        }
        cutAfter(io, objects, layout, stamped, end, epoch);
        JournalHeader now = h.withWritePos(end);
        if (end < h.writePos()) {
            LOG.warn("journal {}: write_pos moved back from {} to {}", objects.name(), h.writePos(), end);
        }
        Futures.join(Journal.writeHeaderAsync(io, objects, now));
        LOG.info("journal {}: taken at epoch {}, write_pos {} ({} entries after the old write_pos)", objects.name(),
                epoch, end, found.entries());
        return new Taken(now, stamped, found);
    }

    private static void logTail(JournalObjects objects, JournalScan.Result found) {
        if (found.torn() == null) {
            return;
        }
        if (found.tailDroppedValid()) {
            LOG.warn("journal {}: unflushed entries after a hole at offset {} dropped (valid data resumes at {})",
                    objects.name(), found.torn().pos(), found.torn().endPos());
        } else {
            LOG.warn("journal {}: torn entry at offset {} dropped ({} bytes of it were written); the journal ends there",
                    objects.name(), found.torn().pos(), found.torn().endPos() - found.torn().pos());
        }
    }

    /** Step 1: the header with the epoch one past the stored one, stored. */
    private static JournalHeader bumpEpoch(IoCtx io, JournalObjects objects) {
        for (int attempt = 0; attempt < EPOCH_RACE_RETRIES_MAX; attempt++) {
            JournalHeader h = Journal.readHeader(io, objects);
            JournalHeader next = h.withEpoch(h.writerEpoch() + 1);
            try {
                io.operate(objects.header(), Journal.guarded(h.writerEpoch())
                        .setXattr(JournalHeader.EPOCH_XATTR, JournalHeader.epochBytes(next.writerEpoch()))
                        .writeFull(next.encode()));
                return next;
            } catch (RadosException.GuardFailed raced) {
                LOG.info("journal {}: another writer took epoch {} first; reading the header again", objects.name(),
                        next.writerEpoch());
            }
        }
        throw new JournalException.Fenced("journal " + objects.name() + ": other writers kept taking it ("
                + EPOCH_RACE_RETRIES_MAX + " tries)");
    }

    /**
     * Step 2: stamps {@code epoch} on every data object of the object sets from {@code firstSet}
     * until {@code untilSet} (exclusive; open-ended: up to the first wholly missing set), creating
     * every object missing in them; returns the objects stamped and created.
     */
    private static List<Long> stamp(IoCtx io, JournalObjects objects, StripeLayout layout, long firstSet,
            long untilSet, long epoch) {
        List<Long> stamped = new ArrayList<>();
        for (long set = firstSet; set < untilSet; set++) {
            List<Long> missing = new ArrayList<>();
            List<CompletableFuture<Boolean>> ops = new ArrayList<>();
            for (int i = 0; i < layout.stripeCount(); i++) {
                ops.add(stampOne(io, objects.data(layout.firstObjectOf(set) + i), epoch));
            }
            for (int i = 0; i < ops.size(); i++) {
                long no = layout.firstObjectOf(set) + i;
                (Futures.join(ops.get(i)) ? stamped : missing).add(no);
            }
            // what is missing is created as ours, so an old writer cannot start it: the rest of a
            // set partly written (striping), or the whole of the first set with nothing in it
            for (long no : missing) {
                createStamped(io, objects.data(no), epoch);
                stamped.add(no);
            }
            if (missing.size() == layout.stripeCount() && untilSet == Long.MAX_VALUE) {
                return stamped;
            }
        }
        return stamped;
    }

    /**
     * True if the object existed and now carries {@code epoch}; false if it does not exist. An
     * object already carrying it is ours: epochs are taken one writer each, through the header.
     */
    private static CompletableFuture<Boolean> stampOne(IoCtx io, String oid, long epoch) {
        byte[] mine = JournalHeader.epochBytes(epoch);
        return io.operateAsync(oid, new ObjectWriteOperation().cmpXattr(JournalHeader.EPOCH_XATTR, CmpOp.CMP_LTE, mine)
                .setXattr(JournalHeader.EPOCH_XATTR, mine)).thenApply(v -> true).exceptionally(t -> {
                    if (Journal.notFound(t)) {
                        return false;
                    }
                    if (Journal.cause(t) instanceof RadosException.GuardFailed) {
                        throw new JournalException.Fenced("journal object " + oid + " carries a newer writer's epoch "
                                + "than " + epoch);
                    }
                    return Journal.rethrow(t);
                });
    }

    private static void createStamped(IoCtx io, String oid, long epoch) {
        try {
            io.operate(oid, new ObjectWriteOperation().create(true)
                    .setXattr(JournalHeader.EPOCH_XATTR, JournalHeader.epochBytes(epoch)));
        } catch (RadosException.Exists lateOldWriter) {
            // an older writer created it between our probe and now: it must be stamped like the rest
            if (!Futures.join(stampOne(io, oid, epoch))) {
                throw new IllegalStateException("journal object " + oid + " exists and does not exist");
            }
        }
    }

    /** Step 4: truncates every stamped object where its stream bytes reach {@code end}. */
    private static void cutAfter(IoCtx io, JournalObjects objects, StripeLayout layout, Set<Long> stamped, long end,
            long epoch) {
        List<CompletableFuture<Long>> cuts = new ArrayList<>();
        for (long no : stamped) {
            if (no < layout.firstObjectOf(layout.objectSetOf(end))) {
                continue;
            }
            long keep = layout.objectOffsetAtOrAfter(no, end);
            String oid = objects.data(no);
            long size = Futures.join(io.operateAsync(oid, new ObjectReadOperation().stat()))
                    .results().get(0).getSize();
            if (size > keep) {
                LOG.info("journal {}: cutting {} from {} to {} bytes", objects.name(), oid, size, keep);
                cuts.add(io.operateAsync(oid, Journal.guarded(epoch).truncate(keep)));
            }
        }
        cuts.forEach(f -> {
            try {
                Futures.join(f);
            } catch (RadosException.GuardFailed newer) {
                throw new JournalException.Fenced("journal " + objects.name() + ": a newer writer took it during "
                        + "recovery");
            }
        });
    }
}
