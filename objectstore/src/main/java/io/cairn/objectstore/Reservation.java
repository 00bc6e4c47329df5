package io.cairn.objectstore;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Space promised to a caller before it promises work (a client write, a recovery push). Released
 * exactly once, either by the caller or by the store when a transaction that
 * {@link Transaction#useReservation used} it completes; a second release is a bug and throws.
 */
public final class Reservation {
    private final SpaceAccount account;
    private final long id;
    private final long bytes;
    private final AtomicBoolean released = new AtomicBoolean();

    Reservation(SpaceAccount account, long id, long bytes) {
        this.account = account;
        this.id = id;
        this.bytes = bytes;
    }

    public long bytes() {
        return bytes;
    }

    public boolean released() {
        return released.get();
    }

    /** Gives the space back. Throws {@link IllegalStateException} if already released. */
    public void release() {
        if (!released.compareAndSet(false, true)) {
            throw new IllegalStateException("invariant violated: reservation #" + id + " of " + bytes
                    + " bytes released twice");
        }
        account.onRelease(this);
    }

    boolean belongsTo(SpaceAccount a) {
        return a == account;
    }

    @Override
    public String toString() {
        return "reservation #" + id + " (" + bytes + " bytes" + (released.get() ? ", released)" : ")");
    }
}
