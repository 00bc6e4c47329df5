package io.cairn.objectstore.block;

import io.cairn.common.Invariants;
import io.cairn.objectstore.ObjectStoreException;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which allocation units of the block file hold data. The persistent form is a bitmap in the
 * metadata store, written in the same commit as the metadata that uses or drops the units. In
 * memory a free-run map serves allocations. Units freed by a commit are clear in the bitmap at
 * once but only become allocatable after {@link #makeReusable}: until then a reader with an
 * older snapshot may still read them, and they must not be overwritten before the freeing
 * commit is durable.
 */
final class Allocator {
    static final int BITMAP_CHUNK_BITS = 4096;
    /** Bounds the search for one run that fits a whole allocation before taking pieces. */
    private static final int FIT_SCAN_RUNS_MAX = 1024;

    private final long unitsTotal;
    private final BitSet allocated;
    private final TreeMap<Long, Long> freeRuns = new TreeMap<>();
    private final TreeSet<Long> dirtyChunks = new TreeSet<>();
    private long freeUnitsUsable;
    private long allocatedUnits;
    private long cursor;

    Allocator(long unitsTotal, BitSet allocated) {
        this.unitsTotal = unitsTotal;
        this.allocated = allocated;
        Invariants.check(allocated.length() <= unitsTotal, "bitmap has units past the end");
        int u = allocated.nextClearBit(0);
        while (u < unitsTotal) {
            int next = allocated.nextSetBit(u);
            long end = next < 0 ? unitsTotal : Math.min(next, unitsTotal);
            addFree(u, end - u);
            if (end >= unitsTotal) {
                break;
            }
            u = allocated.nextClearBit((int) end);
        }
        allocatedUnits = allocated.cardinality();
        Invariants.check(freeUnitsUsable + allocatedUnits == unitsTotal, "free + allocated != total");
    }

    long unitsTotal() {
        return unitsTotal;
    }

    synchronized long allocatedUnits() {
        return allocatedUnits;
    }

    synchronized boolean isAllocated(long unit) {
        return allocated.get((int) unit);
    }

    /** Takes {@code units} units, in as few runs as it can, or throws NoSpace taking nothing. */
    synchronized List<AuRun> allocate(long units) {
        Invariants.check(units > 0, "allocate %d units", units);
        if (units > freeUnitsUsable) {
            throw new ObjectStoreException.NoSpace("block file has " + freeUnitsUsable
                    + " free allocation units, needs " + units);
        }
        List<AuRun> out = new ArrayList<>();
        Map.Entry<Long, Long> fit = findFit(units);
        if (fit != null) {
            out.add(take(fit.getKey(), units));
        } else {
            long need = units;
            while (need > 0) {
                Map.Entry<Long, Long> e = freeRuns.ceilingEntry(cursor);
                if (e == null) {
                    e = freeRuns.firstEntry();
                }
                long n = Math.min(need, e.getValue());
                out.add(take(e.getKey(), n));
                need -= n;
            }
        }
        return out;
    }

    private Map.Entry<Long, Long> findFit(long units) {
        int scanned = 0;
        for (Map.Entry<Long, Long> e : freeRuns.tailMap(cursor, true).entrySet()) {
            if (e.getValue() >= units) {
                return e;
            }
            if (++scanned >= FIT_SCAN_RUNS_MAX) {
                return null;
            }
        }
        for (Map.Entry<Long, Long> e : freeRuns.headMap(cursor, false).entrySet()) {
            if (e.getValue() >= units) {
                return e;
            }
            if (++scanned >= FIT_SCAN_RUNS_MAX) {
                return null;
            }
        }
        return null;
    }

    private AuRun take(long runStart, long units) {
        long runLen = freeRuns.remove(runStart);
        Invariants.check(units <= runLen, "take past run");
        if (units < runLen) {
            freeRuns.put(runStart + units, runLen - units);
        }
        freeUnitsUsable -= units;
        setBits(runStart, units, true);
        allocatedUnits += units;
        cursor = runStart + units;
        return new AuRun(runStart, units);
    }

    /** Marks a run free in the bitmap; it becomes allocatable only via {@link #makeReusable}. */
    synchronized void free(AuRun run) {
        setBits(run.start(), run.count(), false);
        allocatedUnits -= run.count();
    }

    /** Undoes {@link #free} of a transaction that failed. */
    synchronized void unfree(AuRun run) {
        setBits(run.start(), run.count(), true);
        allocatedUnits += run.count();
    }

    /** Undoes {@link #allocate} of a transaction that failed: the units are free again at once. */
    synchronized void unallocate(AuRun run) {
        setBits(run.start(), run.count(), false);
        allocatedUnits -= run.count();
        addFree(run.start(), run.count());
    }

    /** Makes runs freed by a durable commit allocatable (no reader can still see them). */
    synchronized void makeReusable(List<AuRun> runs) {
        for (AuRun r : runs) {
            Invariants.check(allocated.nextSetBit((int) r.start()) < 0 || allocated.nextSetBit((int) r.start()) >= r.end(),
                    "reusing run %s that is allocated", r);
            addFree(r.start(), r.count());
        }
    }

    private void addFree(long start, long count) {
        long end = start + count;
        Map.Entry<Long, Long> prev = freeRuns.floorEntry(start);
        if (prev != null) {
            Invariants.check(prev.getKey() + prev.getValue() <= start, "double free of unit %d", start);
        }
        Map.Entry<Long, Long> next = freeRuns.ceilingEntry(start);
        if (next != null) {
            Invariants.check(next.getKey() >= end, "double free of unit %d", next.getKey());
        }
        long s = start;
        long c = count;
        if (prev != null && prev.getKey() + prev.getValue() == start) {
            s = prev.getKey();
            c += prev.getValue();
            freeRuns.remove(prev.getKey());
        }
        if (next != null && next.getKey() == end) {
            c += next.getValue();
            freeRuns.remove(next.getKey());
        }
        freeRuns.put(s, c);
        freeUnitsUsable += count;
    }

    private void setBits(long start, long count, boolean value) {
        Invariants.check(start + count <= unitsTotal, "run past the end of the block file");
        int from = (int) start;
        int to = (int) (start + count);
        if (value) {
            Invariants.check(allocated.nextSetBit(from) < 0 || allocated.nextSetBit(from) >= to,
                    "allocating unit that is allocated");
            allocated.set(from, to);
        } else {
            Invariants.check(allocated.nextClearBit(from) >= to, "freeing unit that is free: run %d+%d", start, count);
            allocated.clear(from, to);
        }
        for (long c = start / BITMAP_CHUNK_BITS; c <= (start + count - 1) / BITMAP_CHUNK_BITS; c++) {
            dirtyChunks.add(c);
        }
    }

    /** Bitmap chunks changed since the last call, with their current bytes. */
    synchronized Map<Long, byte[]> takeDirtyChunks() {
        TreeMap<Long, byte[]> out = new TreeMap<>();
        for (long c : dirtyChunks) {
            out.put(c, chunkBytes(allocated, c));
        }
        dirtyChunks.clear();
        return out;
    }

    static byte[] chunkBytes(BitSet bits, long chunk) {
        int from = (int) (chunk * BITMAP_CHUNK_BITS);
        byte[] raw = bits.get(from, from + BITMAP_CHUNK_BITS).toByteArray();
        byte[] out = new byte[BITMAP_CHUNK_BITS / 8];
        System.arraycopy(raw, 0, out, 0, raw.length);
        return out;
    }

    static void loadChunk(BitSet into, long chunk, byte[] bytes) {
        BitSet part = BitSet.valueOf(bytes);
        int base = (int) (chunk * BITMAP_CHUNK_BITS);
        for (int i = part.nextSetBit(0); i >= 0; i = part.nextSetBit(i + 1)) {
            into.set(base + i);
        }
    }

    /** A copy of the bitmap, for fsck. */
    synchronized BitSet snapshot() {
        return (BitSet) allocated.clone();
    }
}
