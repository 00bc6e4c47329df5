package io.cairn.common.osdmap;

/** A pool snapshot ({@code osd pool mksnap}): its id from the pool's snap_seq, its name, when it was taken. */
public record PoolSnap(long id, String name, long stampMs) {
    public PoolSnap {
        if (id < 1) {
            throw new IllegalArgumentException("snap ids start at 1: " + id);
        }
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a pool snap needs a name");
        }
    }
}
