package io.cairn.objectstore;

import io.cairn.common.Invariants;

/**
 * The space ledger both stores keep: allocated bytes, outstanding reservations, and the full
 * ratio past which only deletes go through. Exact: every change is a whole transaction's net
 * allocation, applied under one lock together with the checks.
 */
public final class SpaceAccount {
    private final long totalBytes;
    private final long fullLimitBytes;
    private long allocatedBytes;
    private long reservedBytes;
    private long nextReservationId = 1;

    public SpaceAccount(long totalBytes, long allocatedBytes, double failsafeFullRatio) {
        Invariants.check(totalBytes >= 0 && allocatedBytes >= 0 && allocatedBytes <= totalBytes,
                "allocated %d outside 0..total %d", allocatedBytes, totalBytes);
        this.totalBytes = totalBytes;
        this.fullLimitBytes = (long) Math.floor(totalBytes * failsafeFullRatio);
        this.allocatedBytes = allocatedBytes;
    }

    public long totalBytes() {
        return totalBytes;
    }

    /** Bytes allocatable before the failsafe full ratio is reached. */
    public long fullLimitBytes() {
        return fullLimitBytes;
    }

    public synchronized long allocatedBytes() {
        return allocatedBytes;
    }

    public synchronized long reservedBytes() {
        return reservedBytes;
    }

    /** Promises {@code bytes} to the caller or throws NoSpace, changing nothing. */
    public synchronized Reservation reserve(long bytes) {
        if (bytes < 0) {
            throw new ObjectStoreException.InvalidArgument("cannot reserve " + bytes + " bytes");
        }
        if (allocatedBytes + reservedBytes + bytes > fullLimitBytes) {
            throw new ObjectStoreException.NoSpace("cannot reserve " + bytes + " bytes: allocated "
                    + allocatedBytes + " + reserved " + reservedBytes + " of limit " + fullLimitBytes);
        }
        reservedBytes += bytes;
        return new Reservation(this, nextReservationId++, bytes);
    }

    synchronized void onRelease(Reservation r) {
        reservedBytes -= r.bytes();
        Invariants.check(reservedBytes >= 0, "reserved bytes went negative releasing %s", r);
    }

    /**
     * Checks that a transaction allocating {@code allocBytes} and freeing {@code freeBytes} fits
     * and books it, or throws NoSpace and books nothing. Transactions that only free always fit.
     */
    public synchronized void book(long allocBytes, long freeBytes, Reservation own, boolean freesOnly) {
        Invariants.check(allocBytes >= 0 && freeBytes >= 0, "negative booking %d/%d", allocBytes, freeBytes);
        long after = allocatedBytes + allocBytes - freeBytes;
        Invariants.check(after >= 0, "allocated bytes would go negative: %d", after);
        if (!freesOnly) {
            long ownBytes = own == null || own.released() || !own.belongsTo(this) ? 0 : own.bytes();
            long reservedByOthers = reservedBytes - ownBytes;
            if (allocBytes > freeBytes && after + reservedByOthers > fullLimitBytes) {
                throw new ObjectStoreException.NoSpace("transaction needs " + (allocBytes - freeBytes)
                        + " more bytes: allocated " + allocatedBytes + " + reserved by others "
                        + reservedByOthers + " would pass the full limit " + fullLimitBytes + " of "
                        + totalBytes);
            }
            if (allocatedBytes >= fullLimitBytes) {
                throw new ObjectStoreException.NoSpace("store is past its failsafe full ratio ("
                        + allocatedBytes + " of " + totalBytes + " bytes allocated): only deletes accepted");
            }
        }
        Invariants.check(after <= totalBytes, "allocated %d past total %d", after, totalBytes);
        allocatedBytes = after;
    }

    public synchronized StatFs statfs(long storedBytes) {
        return new StatFs(totalBytes, totalBytes - allocatedBytes - reservedBytes, allocatedBytes, storedBytes,
                reservedBytes);
    }
}
