package io.cairn.osd.peering;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What one member lacks when its PG goes active, from its plan: nothing when current, the
 * objects the log names when it recovers from the log, and every object anyone may hold when it is
 * backfilled (the listings the driver fetched: the authority's or the primary's copy, the objects
 * the primary itself still lacks, and the member's own, so stale objects are removed too).
 */
public final class ActivationPlan {
    private ActivationPlan() {}

    public static List<ObjectName> lacks(PeerPlan plan, Supplier<List<Collection<ObjectName>>> backfillListings) {
        return switch (plan) {
            case PeerPlan.Current c -> List.of();
            case PeerPlan.Recover r -> List.copyOf(r.missing().keySet());
            case PeerPlan.Backfill b -> {
                Set<ObjectName> all = new LinkedHashSet<>();
                for (Collection<ObjectName> listing : backfillListings.get()) {
                    all.addAll(listing);
                }
                yield List.copyOf(all);
            }
        };
    }
}
