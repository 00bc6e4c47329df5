package io.cairn.journaler;

import io.cairn.client.IoCtx;
import io.cairn.client.ObjectWriteOperation;
import io.cairn.client.RadosException;
import io.cairn.proto.v1.CmpOp;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SortedMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which journal a name means, as Ceph's JournalPointer: the object {@code N.pointer} names the
 * front journal (the one in use) and, while a rewrite is under way or unfinished, the back one.
 * Without a pointer the journal named N is its own front. A rewrite copies the front's entries
 * into a new journal and swaps the pointer, each step durable before the next, so a crash at any
 * point leaves either the old journal or the new one in front, never a half of each; the next
 * writer deletes whatever the pointer still names at the back.
 */
public record JournalPointer(String front, String back) {
    private static final Logger LOG = LoggerFactory.getLogger(JournalPointer.class);
    static final String FRONT_XATTR = "journal.front";
    static final String BACK_XATTR = "journal.back";

    /** The pointer for {@code name}; without a pointer object, the journal itself in front. */
    public static JournalPointer read(IoCtx io, String name) {
        JournalObjects objects = new JournalObjects(name);
        SortedMap<String, byte[]> x;
        try {
            x = io.getXattrs(objects.pointer());
        } catch (RadosException.NotFound none) {
            return new JournalPointer(name, "");
        }
        return new JournalPointer(text(x.get(FRONT_XATTR), name), text(x.get(BACK_XATTR), ""));
    }

    private static String text(byte[] v, String absent) {
        return v == null || v.length == 0 ? absent : new String(v, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The front journal's name for a writer, after finishing what an interrupted rewrite left at the back. */
    static String frontFor(IoCtx io, String name) {
        JournalPointer p = read(io, name);
        if (!p.back().isEmpty()) {
            LOG.warn("journal {}: an unfinished rewrite left journal {} at the back; deleting it", name, p.back());
            try {
                io.operate(new JournalObjects(name).pointer(), new ObjectWriteOperation()
                        .cmpXattr(BACK_XATTR, CmpOp.CMP_EQ, bytes(p.back())).setXattr(BACK_XATTR, new byte[0]));
                Journal.delete(io, new JournalObjects(p.back()));
            } catch (RadosException.GuardFailed raced) {
                return read(io, name).front();
            }
        }
        return p.front();
    }

    /** Swaps the pointer from {@code from} to {@code to}, guarded on it still being {@code from}. */
    private static void swap(IoCtx io, String name, JournalPointer from, JournalPointer to) {
        String oid = new JournalObjects(name).pointer();
        ObjectWriteOperation op = new ObjectWriteOperation();
        if (from.front().equals(name) && from.back().isEmpty() && !exists(io, oid)) {
            op.create(true);
        } else {
            op.cmpXattr(FRONT_XATTR, CmpOp.CMP_EQ, bytes(from.front())).cmpXattr(BACK_XATTR, CmpOp.CMP_EQ,
                    bytes(from.back()));
        }
        try {
            io.operate(oid, op.setXattr(FRONT_XATTR, bytes(to.front())).setXattr(BACK_XATTR, bytes(to.back())));
        } catch (RadosException.GuardFailed | RadosException.Exists raced) {
            throw new JournalException.Fenced("journal " + name + ": its pointer changed during the rewrite");
        }
    }

    private static boolean exists(IoCtx io, String oid) {
        try {
            io.stat(oid);
            return true;
        } catch (RadosException.NotFound none) {
            return false;
        }
    }

    /**
     * Rewrites journal {@code name} into a new one holding {@code copy}'s choice of its entries
     * (all of them from expire_pos for a rewrite, none for a reset), fencing its writer first.
     * Returns the new front journal's name. Blocking.
     */
    public static String rewrite(IoCtx io, String name, JournalOptions opts, boolean keepEntries,
            JournalScan.OnDamage onDamage, Consumer<String> progress) {
        String oldFront = frontFor(io, name);
        JournalObjects oldObjects = new JournalObjects(oldFront);
        JournalTakeover.Taken taken = JournalTakeover.run(io, oldObjects, opts);
        JournalHeader h = taken.header();
        List<FrameScanner.Entry> entries = new java.util.ArrayList<>();
        if (keepEntries) {
            FrameScanner scanner = new FrameScanner(new RadosStream(io, oldObjects, h.layout()), opts.maxEntryBytes(),
                    h.layout().stripeUnitBytes());
            JournalScan.Result r = JournalScan.run(scanner, h.expirePos(), h.writePos(), onDamage, entries::add);
            if (r.stoppedOnDamage()) {
                JournalScan.Stretch d = r.damaged().get(0);
                throw new JournalException.Damaged(oldFront, d.pos(), d.endPos());
            }
            r.damaged().forEach(d -> progress.accept("skipped damaged bytes " + d.pos() + ".." + d.endPos()));
        }
        String newFront = name + "@" + (generation(oldFront) + 1);
        JournalPointer before = new JournalPointer(oldFront, "");
        JournalPointer during = new JournalPointer(oldFront, newFront);
        swap(io, name, before, during);
        JournalObjects newObjects = new JournalObjects(newFront);
        Journal.delete(io, newObjects);
        Journal.create(io, newObjects, h.layout());
        try (JournalWriter w = JournalWriter.openExact(io, newObjects, opts, JournalMetrics.unregistered(newFront))) {
            for (FrameScanner.Entry e : entries) {
                w.append(e.payload());
            }
        }
        progress.accept("wrote " + entries.size() + " entries into journal " + newFront);
        JournalPointer after = new JournalPointer(newFront, oldFront);
        swap(io, name, during, after);
        Journal.delete(io, oldObjects);
        swap(io, name, after, new JournalPointer(newFront, ""));
        progress.accept("journal " + name + " now uses " + newFront + "; " + oldFront + " deleted");
        return newFront;
    }

    /** 0 for the first journal of a name, k for {@code name@k}. */
    private static long generation(String journal) {
        int at = journal.lastIndexOf('@');
        if (at < 0) {
            return 0;
        }
        try {
            return Long.parseLong(journal.substring(at + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
