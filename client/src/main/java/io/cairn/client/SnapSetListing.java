package io.cairn.client;

import io.cairn.proto.v1.CloneInfo;
import io.cairn.proto.v1.SnapSetInfo;
import java.util.List;

/**
 * An object's snapshots as librados' {@code snap_set_t}: its clones oldest first, then the head
 * (id {@link IoCtx#SNAP_HEAD}, no snaps) when it exists; and the newest snap seq it was written under.
 */
public record SnapSetListing(List<Clone> clones, long seq) {
    public SnapSetListing {
        clones = List.copyOf(clones);
    }

    /** A byte range the clone shares with the next newer clone or the head. */
    public record Extent(long offset, long length) { }

    /** One clone (or the head): the snaps it serves, ascending; its overlap with the next newer; its size. */
    public record Clone(long cloneId, List<Long> snaps, List<Extent> overlap, long sizeBytes) {
        public Clone {
            snaps = List.copyOf(snaps);
            overlap = List.copyOf(overlap);
        }

        public boolean isHead() {
            return cloneId == IoCtx.SNAP_HEAD;
        }
    }

    static SnapSetListing of(SnapSetInfo info) {
        return new SnapSetListing(info.getClonesList().stream().map(SnapSetListing::clone).toList(), info.getSeq());
    }

    private static Clone clone(CloneInfo c) {
        return new Clone(c.getId(), c.getSnapsList(),
                c.getOverlapList().stream().map(e -> new Extent(e.getOffset(), e.getLength())).toList(), c.getSize());
    }
}
