package io.cairn.osd.pg;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * An OSD's slots for one kind of background work, each held by one PG: osd_max_trimming_pgs for
 * the snap trimmer, or osd_max_backfills for one side of backfill (Ceph keeps two: the primary's
 * local reservations and the targets' remote ones, so two primaries backfilling to each other
 * cannot hold each other up). A PG holds at most one slot; asking again while holding it is a
 * yes. A refused PG asks again later. A slot is released exactly once. Keyed by PG on a target
 * (each primary asks for its PG), by activation on the primary (so a slot an ended activation
 * still has to give back is never mistaken for the next one's).
 *
 * @param <K> what holds a slot
 */
public final class SlotReserver<K> {
    /** Who holds a slot: the PG's primary and the epoch it asked in. */
    public record Holder(int primary, int epoch) { }

    private final java.util.function.IntSupplier slots;
    private final Map<K, Holder> held = new LinkedHashMap<>();

    public SlotReserver(int slots) {
        this(checked(slots));
    }

    /** Slots read at each reservation, so a runtime change of the option takes effect at once. */
    public SlotReserver(java.util.function.IntSupplier slots) {
        this.slots = slots;
    }

    private static java.util.function.IntSupplier checked(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("a reserver needs at least 1 slot, not " + slots);
        }
        return () -> slots;
    }

    public synchronized boolean tryReserve(K pg, int primary, int epoch) {
        if (held.containsKey(pg)) {
            held.put(pg, new Holder(primary, Math.max(epoch, held.get(pg).epoch())));
            return true;
        }
        if (held.size() >= Math.max(1, slots.getAsInt())) {
            return false;
        }
        held.put(pg, new Holder(primary, epoch));
        return true;
    }

    /** True if {@code pg} held a slot (a second release of the same slot is false, not an error). */
    public synchronized boolean release(K pg) {
        return held.remove(pg) != null;
    }

    /** Releases every slot whose holder no longer leads its PG (its interval ended); returns them. */
    public synchronized List<K> releaseIf(BiPredicate<K, Holder> stale) {
        List<K> out = new ArrayList<>();
        held.entrySet().removeIf(e -> {
            if (stale.test(e.getKey(), e.getValue())) {
                out.add(e.getKey());
                return true;
            }
            return false;
        });
        return out;
    }

    public synchronized int inUse() {
        return held.size();
    }
}
