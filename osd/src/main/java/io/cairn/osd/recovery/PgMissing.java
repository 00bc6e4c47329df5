package io.cairn.osd.recovery;

import io.cairn.osd.peering.ObjectName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The objects members of an active PG still lack (Ceph's missing sets, held by the primary), and
 * the member to copy an object from when the primary itself lacks it. A member is a backfill
 * target or a log-recovery target, which says whether norecover or nobackfill pauses its copies.
 * Each member is reported complete exactly once, when its last object arrives.
 */
public final class PgMissing {
    private final int authority;
    private final Map<ObjectName, Set<Integer>> lacking = new LinkedHashMap<>();
    private final Map<Integer, Integer> remaining = new HashMap<>();
    private final Set<Integer> backfillTargets = new LinkedHashSet<>();
    private final Set<Integer> completed = new LinkedHashSet<>();
    private final Set<ObjectName> claimed = new java.util.HashSet<>();

    public PgMissing(int authority) {
        this.authority = authority;
    }

    /** While activating: {@code osd} lacks these objects; a backfill target lacks the whole PG. */
    public synchronized void add(int osd, Iterable<ObjectName> objects, boolean backfill) {
        if (backfill) {
            backfillTargets.add(osd);
        }
        for (ObjectName o : objects) {
            if (lacking.computeIfAbsent(o, k -> new LinkedHashSet<>()).add(osd)) {
                remaining.merge(osd, 1, Integer::sum);
            }
        }
    }

    public int authority() {
        return authority;
    }

    public synchronized Set<Integer> whoLacks(ObjectName o) {
        Set<Integer> s = lacking.get(o);
        return s == null ? Set.of() : Set.copyOf(s);
    }

    /** Objects {@code osd} lacks (the primary's, to fold into what it lists). */
    public synchronized List<ObjectName> lackedBy(int osd) {
        List<ObjectName> out = new ArrayList<>();
        lacking.forEach((o, osds) -> {
            if (osds.contains(osd)) {
                out.add(o);
            }
        });
        return out;
    }

    /** {@code o} was copied to every member that lacked it; returns the members now complete. */
    public synchronized List<Integer> recovered(ObjectName o) {
        Set<Integer> osds = lacking.remove(o);
        List<Integer> done = new ArrayList<>();
        if (osds == null) {
            return done;
        }
        for (int osd : osds) {
            int left = remaining.merge(osd, -1, Integer::sum);
            if (left < 0) {
                throw new IllegalStateException("osd." + osd + " recovered more objects than it lacked");
            }
            if (left == 0 && completed.add(osd)) {
                done.add(osd);
            }
        }
        return done;
    }

    /**
     * Claims the next object to copy in the background: in the order they were added (hash order
     * within a member), skipping objects already claimed, log recovery while
     * {@code recoveryPaused} and backfill while {@code backfillPaused}. {@link #release} it after.
     */
    public synchronized Optional<ObjectName> claimNext(boolean recoveryPaused, boolean backfillPaused) {
        for (Map.Entry<ObjectName, Set<Integer>> e : lacking.entrySet()) {
            if (claimed.contains(e.getKey())) {
                continue;
            }
            boolean recovery = e.getValue().stream().anyMatch(osd -> !backfillTargets.contains(osd));
            if (recovery ? !recoveryPaused : !backfillPaused) {
                claimed.add(e.getKey());
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    public synchronized void release(ObjectName o) {
        claimed.remove(o);
    }

    public synchronized List<Integer> backfillTargets() {
        return List.copyOf(backfillTargets);
    }

    public synchronized boolean isEmpty() {
        return lacking.isEmpty();
    }

    /** Missing object copies, summed over members (Ceph's degraded objects, less undersized copies). */
    public synchronized long copiesMissing() {
        long n = 0;
        for (Set<Integer> osds : lacking.values()) {
            n += osds.size();
        }
        return n;
    }

    /** Missing object copies on these members only (acting members: degraded; up-only targets: misplaced). */
    public synchronized long copiesMissingOn(java.util.Collection<Integer> members) {
        long n = 0;
        for (Set<Integer> osds : lacking.values()) {
            n += osds.stream().filter(members::contains).count();
        }
        return n;
    }

    public synchronized boolean anyBackfill() {
        return lacking.values().stream().anyMatch(s -> s.stream().anyMatch(backfillTargets::contains));
    }
}
