package io.cairn.osd;

import io.cairn.common.osdmap.PgId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * osd_max_backfills slots of one OSD, for one side of backfill (Ceph keeps two: the primary's
 * local reservations and the targets' remote ones, so two primaries backfilling to each other
 * cannot hold each other up). A PG holds at most one slot; asking again while holding it is a
 * yes. A refused PG asks again later. A slot is released exactly once.
 */
final class BackfillReserver {
    /** Who holds a slot: the PG's primary and the epoch it asked in. */
    record Holder(int primary, int epoch) { }

    private final int slots;
    private final Map<PgId, Holder> held = new LinkedHashMap<>();

    BackfillReserver(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("osd_max_backfills must be at least 1, not " + slots);
        }
        this.slots = slots;
    }

    synchronized boolean tryReserve(PgId pg, int primary, int epoch) {
        if (held.containsKey(pg)) {
            held.put(pg, new Holder(primary, Math.max(epoch, held.get(pg).epoch())));
            return true;
        }
        if (held.size() >= slots) {
            return false;
        }
        held.put(pg, new Holder(primary, epoch));
        return true;
    }

    /** True if {@code pg} held a slot (a second release of the same slot is false, not an error). */
    synchronized boolean release(PgId pg) {
        return held.remove(pg) != null;
    }

    /** Releases every slot whose holder no longer leads its PG (its interval ended); returns them. */
    synchronized List<PgId> releaseIf(BiPredicate<PgId, Holder> stale) {
        List<PgId> out = new ArrayList<>();
        held.entrySet().removeIf(e -> {
            if (stale.test(e.getKey(), e.getValue())) {
                out.add(e.getKey());
                return true;
            }
            return false;
        });
        return out;
    }

    synchronized int inUse() {
        return held.size();
    }
}
