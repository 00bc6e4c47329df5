package io.cairn.osd.snap;

import io.cairn.common.CairnException;
import io.cairn.common.osdmap.Pool;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * What a write knows of the pool's snaps, as Ceph's SnapContext: the newest snap id ({@code seq})
 * and the live snaps, newest first. A write under a context newer than an object's SnapSet first
 * keeps the head as a clone for the snaps taken since.
 */
public record SnapContext(long seq, List<Long> snaps) {
    public static final SnapContext EMPTY = new SnapContext(0, List.of());

    public SnapContext {
        snaps = List.copyOf(snaps);
    }

    /**
     * Refuses (EINVAL) a context whose snaps are not strictly newest first, not above 0, or newer
     * than its seq (Ceph's {@code SnapContext::is_valid}).
     */
    public SnapContext checked() {
        long prev = seq + 1;
        for (long s : snaps) {
            if (Long.compareUnsigned(s, prev) >= 0 || s == 0) {
                throw CairnException.invalid("bad snap context: seq " + Long.toUnsignedString(seq) + " snaps "
                        + snaps.stream().map(Long::toUnsignedString).toList());
            }
            prev = s;
        }
        return this;
    }

    /** The pool's own context, for a pool in pool-snaps mode: every pool snap, newest first. */
    public static SnapContext ofPool(Pool pool) {
        List<Long> ids = new ArrayList<>(pool.snaps().keySet());
        Collections.reverse(ids);
        return new SnapContext(pool.snapSeq(), ids);
    }

    /**
     * Without the snaps the pool has removed, queued or purged (a client may write with a context
     * from before a removal: a clone for a purged snap would never be trimmed).
     */
    public SnapContext withoutRemoved(Pool pool) {
        if (pool.removedSnapsQueue().isEmpty() && pool.purgedSnaps().isEmpty()) {
            return this;
        }
        return new SnapContext(seq, snaps.stream().filter(s -> !pool.isSnapRemoved(s)).toList());
    }

    /** The context a write to this pool is applied under; empty for a pool that never had a snap. */
    public static Optional<SnapContext> forWrite(Pool pool, io.cairn.proto.v1.SnapContext wire) {
        if (pool.snapSeq() == 0) {
            return Optional.empty();
        }
        SnapContext fromClient = SnapSetCodec.fromProto(wire);
        if (pool.isPoolSnapsMode()) {
            return Optional.of(ofPool(pool));
        }
        // a seq the pool never reached would make the object refuse every honest writer after it
        // (the OSD's map is at least as new as the client's, so a real one is never newer)
        if (Long.compareUnsigned(fromClient.seq(), pool.snapSeq()) > 0) {
            throw CairnException.invalid("snap context seq " + Long.toUnsignedString(fromClient.seq())
                    + " is newer than pool " + pool.name() + "'s snap_seq " + pool.snapSeq());
        }
        return Optional.of(fromClient.checked().withoutRemoved(pool));
    }
}
