package io.cairn.mds;

import io.cairn.common.Invariants;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dentry leases as a pure machine: a client that looked a name up may answer later lookups of it
 * from its cache until its lease ends; before a change to the name (unlink, rmdir, rename) every
 * lease on it is revoked, and the change waits until each holder has acknowledged or its lease has
 * run out. Time comes in with each event. Bounded: past {@code maxLeases} no new lease is given
 * (the lookup is answered without one).
 */
public final class DentryLeases {
    /** A name in a directory. */
    public record Dentry(long dirIno, String name) {}

    public sealed interface Action {
        /** Tell the client to drop its cached lookup of the name and acknowledge {@code seq}. */
        record Revoke(long client, Dentry dentry, long seq) implements Action {}

        /** Revocation {@code id} is done: the change it held back may go on. */
        record Cleared(long id) implements Action {}
    }

    private record Holder(long client, long untilMs, long seq) {}

    /** A change waiting for the leases on its names to go. */
    private static final class Pending {
        final long id;
        final Set<Dentry> dentries;

        Pending(long id, Set<Dentry> dentries) {
            this.id = id;
            this.dentries = dentries;
        }
    }

    private final long leaseMs;
    private final int maxLeases;
    private final Map<Dentry, Map<Long, Holder>> leases = new HashMap<>();
    /** Names being revoked: no new lease on them until the change went through. */
    private final Map<Dentry, Integer> revoking = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private int count;
    private long nextId = 1;
    private long nextSeq = 1;

    public DentryLeases(long leaseMs, int maxLeases) {
        Invariants.check(leaseMs > 0 && maxLeases > 0, "lease time and bound must be positive");
        this.leaseMs = leaseMs;
        this.maxLeases = maxLeases;
    }

    /** A lookup's answer: the lease the client gets on the name, in ms (0: none). */
    public long grant(long client, Dentry d, long nowMs) {
        if (revoking.containsKey(d)) {
            return 0;
        }
        Map<Long, Holder> holders = leases.computeIfAbsent(d, k -> new HashMap<>());
        if (!holders.containsKey(client) && count >= maxLeases) {
            if (holders.isEmpty()) {
                leases.remove(d);
            }
            return 0;
        }
        if (holders.put(client, new Holder(client, nowMs + leaseMs, 0)) == null) {
            count++;
        }
        return leaseMs;
    }

    /**
     * A change to these names is about to be made: revokes every live lease on them. Returns the
     * revocations to send and, when nothing is held, {@link Action.Cleared} at once; otherwise
     * Cleared comes from a later {@link #ack} or {@link #tick}.
     */
    public List<Action> revoke(long id, Set<Dentry> dentries, long nowMs) {
        List<Action> out = new ArrayList<>();
        Set<Dentry> held = new HashSet<>();
        for (Dentry d : dentries) {
            Map<Long, Holder> holders = leases.get(d);
            if (holders == null) {
                continue;
            }
            Map<Long, Holder> live = new HashMap<>();
            for (Holder h : holders.values()) {
                if (h.untilMs() <= nowMs) {
                    count--;
                } else if (h.seq() != 0) {
                    live.put(h.client(), h); // already being revoked for an earlier change
                } else {
                    Holder asked = new Holder(h.client(), h.untilMs(), nextSeq++);
                    live.put(h.client(), asked);
                    out.add(new Action.Revoke(h.client(), d, asked.seq()));
                }
            }
            if (live.isEmpty()) {
                leases.remove(d);
            } else {
                leases.put(d, live);
                held.add(d);
            }
        }
        if (held.isEmpty()) {
            out.add(new Action.Cleared(id));
        } else {
            held.forEach(d -> revoking.merge(d, 1, Integer::sum));
            pending.add(new Pending(id, held));
        }
        return out;
    }

    /** A client dropped its cached lookup of {@code d} (revocation {@code seq}). */
    public List<Action> ack(long client, Dentry d, long seq) {
        Map<Long, Holder> holders = leases.get(d);
        Holder h = holders == null ? null : holders.get(client);
        if (h == null || h.seq() != seq) {
            return List.of();
        }
        holders.remove(client);
        count--;
        if (holders.isEmpty()) {
            leases.remove(d);
        }
        return settle();
    }

    /** The client's session is gone or stale: its leases with it. */
    public List<Action> clientGone(long client) {
        for (Iterator<Map.Entry<Dentry, Map<Long, Holder>>> it = leases.entrySet().iterator(); it.hasNext(); ) {
            Map<Long, Holder> holders = it.next().getValue();
            if (holders.remove(client) != null) {
                count--;
            }
            if (holders.isEmpty()) {
                it.remove();
            }
        }
        return settle();
    }

    /** Leases run out: revocations whose holders did not answer end with them. */
    public List<Action> tick(long nowMs) {
        for (Iterator<Map.Entry<Dentry, Map<Long, Holder>>> it = leases.entrySet().iterator(); it.hasNext(); ) {
            Map<Long, Holder> holders = it.next().getValue();
            int before = holders.size();
            holders.values().removeIf(h -> h.untilMs() <= nowMs);
            count -= before - holders.size();
            if (holders.isEmpty()) {
                it.remove();
            }
        }
        return settle();
    }

    private List<Action> settle() {
        List<Action> out = new ArrayList<>();
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.dentries.stream().noneMatch(leases::containsKey)) {
                it.remove();
                p.dentries.forEach(d -> revoking.computeIfPresent(d, (k, n) -> n == 1 ? null : n - 1));
                out.add(new Action.Cleared(p.id));
            }
        }
        return out;
    }

    public int count() {
        return count;
    }

    /** Per client, the leases it holds that have not run out. */
    public Map<Long, Integer> perClient(long nowMs) {
        Map<Long, Integer> out = new HashMap<>();
        leases.values().forEach(holders -> holders.values().forEach(h -> {
            if (h.untilMs() > nowMs) {
                out.merge(h.client(), 1, Integer::sum);
            }
        }));
        return out;
    }

    public long nextRevokeId() {
        return nextId++;
    }
}
