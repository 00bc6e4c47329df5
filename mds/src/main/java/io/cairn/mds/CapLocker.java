package io.cairn.mds;

import io.cairn.common.Invariants;
import io.cairn.common.fs.Caps;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who may hold which capabilities on which inode, as a pure machine (Ceph's Locker, for one rank
 * and the file, auth and xattr locks): clients say what they want; the machine decides what each
 * is allowed, revokes what conflicts and grants what no longer does, in that order — a grant that
 * would conflict with caps another client still holds waits until that client has acknowledged the
 * revocation. An inode's file lock is, as Ceph's, exclusive with one client (it may buffer and
 * cache everything), shared among readers (they may cache), or mixed while several clients have it
 * open and one writes (reads and writes go to the OSDs, nobody caches or buffers).
 */
public final class CapLocker {
    private static final int SHARED_MASK = Caps.PIN | Caps.AUTH_SHARED | Caps.LINK_SHARED | Caps.XATTR_SHARED
            | Caps.FILE_SHARED | Caps.FILE_RD | Caps.FILE_CACHE;
    private static final int MIXED_MASK = Caps.PIN | Caps.AUTH_SHARED | Caps.LINK_SHARED | Caps.XATTR_SHARED
            | Caps.FILE_RD | Caps.FILE_WR;

    /**
     * @param revokeWarnMs a revocation unanswered this long makes the client late (MDS_CLIENT_LATE_RELEASE)
     * @param revokeEvictMs and this long gets it evicted; 0 = never (mds_cap_revoke_eviction_timeout)
     * @param maxCapsPerClient more inodes with caps than this raises MDS_CLIENT_RECALL
     */
    public record Settings(long revokeWarnMs, long revokeEvictMs, int maxCapsPerClient) {}

    public sealed interface Event {
        /** The caps the client wants on the inode now (the union over its open files; 0 releases them all). */
        record Want(long client, long ino, int wanted) implements Event {}

        /**
         * In up:reconnect, a client of the rank's previous holder says what it holds and wants on
         * an inode; the new holder takes its word for {@code held} (the previous holder made the
         * clients' caps agree), and settles from there.
         */
        record Reclaim(long client, long ino, int wanted, int held) implements Event {}

        /** The client acknowledges revocation {@code seq}: it now holds only {@code held}. */
        record Ack(long client, long ino, long seq, int held) implements Event {}

        /** The client's session is gone (closed or evicted): its caps go with it, at once. */
        record ClientGone(long client) implements Event {}
    }

    public sealed interface Action {
        /** The client may now hold {@code issued} (more than before). */
        record Grant(long client, long ino, int issued, long seq) implements Action {}

        /** The client must give up everything but {@code issued}, then acknowledge {@code seq}. */
        record Revoke(long client, long ino, int issued, long seq) implements Action {}

        /** A revocation unanswered past mds_cap_revoke_eviction_timeout: evict the client. */
        record Evict(long client, String why) implements Action {}
    }

    /** A revocation the client has not answered yet, for health. */
    public record LateRelease(long client, long ino, int revoking, long sinceMs) {}

    private static final class ClientCap {
        int wanted;
        int issued;
        /** What a revocation under way leaves the client; -1 when none is. */
        int revokingTo = -1;
        long revokeSeq;
        long revokeSinceMs;
        boolean evictAsked;
    }

    /** inode -> client -> its caps on it. */
    private final Map<Long, Map<Long, ClientCap>> inodes = new HashMap<>();
    /**
     * Per client, the seq of the last message to it: one counter over all its inodes, never reset
     * while it has a session, so a message the client gets late (for a file it closed and opened
     * again meanwhile) is older than anything it got since, and ignored.
     */
    private final Map<Long, Long> clientSeq = new HashMap<>();
    private long nowMs;

    public CapLocker(long nowMs) {
        this.nowMs = nowMs;
    }

    public List<Action> step(Event event, long nowMs) {
        this.nowMs = Math.max(this.nowMs, nowMs);
        List<Action> out = new ArrayList<>();
        switch (event) {
            case Event.Want w -> {
                Map<Long, ClientCap> caps = inodes.computeIfAbsent(w.ino(), k -> new TreeMap<>());
                ClientCap c = caps.computeIfAbsent(w.client(), k -> new ClientCap());
                c.wanted = w.wanted();
                if (w.wanted() == 0) {
                    // a release: the client flushed what it had before saying so
                    caps.remove(w.client());
                }
                settle(w.ino(), out);
                // a client asking again (a new stream, back from stale) learns what it holds even if nothing changed
                boolean told = out.stream().anyMatch(x -> x instanceof Action.Grant g && g.client() == w.client()
                        || x instanceof Action.Revoke r && r.client() == w.client());
                if (!told && w.wanted() != 0 && c.issued != 0 && c.revokingTo < 0) {
                    out.add(new Action.Grant(w.client(), w.ino(), c.issued, nextSeq(w.client())));
                }
            }
            case Event.Reclaim r -> {
                if (r.wanted() == 0) {
                    return out;
                }
                Map<Long, ClientCap> caps = inodes.computeIfAbsent(r.ino(), k -> new TreeMap<>());
                ClientCap c = caps.computeIfAbsent(r.client(), k -> new ClientCap());
                c.wanted = r.wanted();
                if (c.issued == 0 && c.revokingTo < 0) {
                    c.issued = r.held() & r.wanted();
                }
                settle(r.ino(), out);
                if (c.revokingTo < 0 && out.stream().noneMatch(x -> x instanceof Action.Grant g && g.client() == r.client()
                        && g.ino() == r.ino())) {
                    out.add(new Action.Grant(r.client(), r.ino(), c.issued, nextSeq(r.client())));
                }
            }
            case Event.Ack a -> {
                Map<Long, ClientCap> caps = inodes.get(a.ino());
                ClientCap c = caps == null ? null : caps.get(a.client());
                if (c != null && c.revokingTo >= 0 && a.seq() == c.revokeSeq) {
                    // it may have dropped more than asked, never kept more
                    c.issued = c.revokingTo & a.held();
                    c.revokingTo = -1;
                    c.evictAsked = false;
                    settle(a.ino(), out);
                }
            }
            case Event.ClientGone g -> {
                clientSeq.remove(g.client());
                for (Map.Entry<Long, Map<Long, ClientCap>> e : List.copyOf(inodes.entrySet())) {
                    if (e.getValue().remove(g.client()) != null) {
                        settle(e.getKey(), out);
                    }
                }
            }
        }
        return out;
    }

    private long nextSeq(long client) {
        return clientSeq.merge(client, 1L, Long::sum);
    }

    /** Late revocations past the eviction timeout (when set) become evictions, once each. */
    public List<Action> tick(long nowMs, Settings settings) {
        this.nowMs = Math.max(this.nowMs, nowMs);
        List<Action> out = new ArrayList<>();
        if (settings.revokeEvictMs() <= 0) {
            return out;
        }
        for (Map<Long, ClientCap> caps : inodes.values()) {
            caps.forEach((client, c) -> {
                if (c.revokingTo >= 0 && !c.evictAsked && this.nowMs - c.revokeSinceMs >= settings.revokeEvictMs()) {
                    c.evictAsked = true;
                    out.add(new Action.Evict(client, "did not release caps within "
                            + settings.revokeEvictMs() / 1000 + " s (mds_cap_revoke_eviction_timeout)"));
                }
            });
        }
        return out;
    }

    /** Revocations unanswered for at least {@code warnMs}. */
    public List<LateRelease> late(long warnMs) {
        List<LateRelease> out = new ArrayList<>();
        inodes.forEach((ino, caps) -> caps.forEach((client, c) -> {
            if (c.revokingTo >= 0 && nowMs - c.revokeSinceMs >= warnMs) {
                out.add(new LateRelease(client, ino, c.issued & ~c.revokingTo, c.revokeSinceMs));
            }
        }));
        return out;
    }

    /** The caps a client holds (or may still hold, while a revocation is unanswered) on an inode. */
    public int issued(long client, long ino) {
        Map<Long, ClientCap> caps = inodes.get(ino);
        ClientCap c = caps == null ? null : caps.get(client);
        return c == null ? 0 : c.issued;
    }

    /** Per client, how many inodes it holds caps on. */
    public Map<Long, Integer> capsPerClient() {
        Map<Long, Integer> out = new TreeMap<>();
        inodes.values().forEach(caps -> caps.forEach((client, c) -> {
            if (c.issued != 0) {
                out.merge(client, 1, Integer::sum);
            }
        }));
        return out;
    }

    /** Revocations first (what each client may keep now), then grants that conflict with nothing still held. */
    private void settle(long ino, List<Action> out) {
        Map<Long, ClientCap> caps = inodes.get(ino);
        if (caps == null) {
            return;
        }
        if (caps.isEmpty()) {
            inodes.remove(ino);
            return;
        }
        int mask = allowedMask(caps);
        caps.forEach((client, c) -> {
            int target = c.wanted & mask;
            int keep = c.issued & target;
            int current = c.revokingTo >= 0 ? c.revokingTo : c.issued;
            if ((current & ~keep) != 0) {
                if (c.revokingTo < 0) {
                    c.revokeSinceMs = nowMs;
                }
                c.revokingTo = keep;
                c.revokeSeq = nextSeq(client);
                out.add(new Action.Revoke(client, ino, keep, c.revokeSeq));
            }
        });
        caps.forEach((client, c) -> {
            if (c.revokingTo >= 0) {
                return;
            }
            int more = c.wanted & mask & ~c.issued;
            int granted = c.issued;
            for (int bit = 1; bit != 0 && bit <= more; bit <<= 1) {
                if ((more & bit) != 0 && compatibleWithOthers(caps, client, granted | bit)) {
                    granted |= bit;
                }
            }
            if (granted != c.issued) {
                c.issued = granted;
                out.add(new Action.Grant(client, ino, granted, nextSeq(client)));
            }
        });
        Invariants.check(inodes.get(ino) == caps, "inode %x settled twice", ino);
    }

    /** Exclusive with one client, shared among readers, mixed when several clients have it and one writes. */
    private static int allowedMask(Map<Long, ClientCap> caps) {
        if (caps.size() == 1) {
            return -1;
        }
        boolean writer = caps.values().stream().anyMatch(c -> (c.wanted & Caps.FILE_WR) != 0);
        return writer ? MIXED_MASK : SHARED_MASK;
    }

    private static boolean compatibleWithOthers(Map<Long, ClientCap> caps, long client, int mine) {
        for (Map.Entry<Long, ClientCap> e : caps.entrySet()) {
            if (e.getKey() != client && conflict(mine, e.getValue().issued)) {
                return false;
            }
        }
        return true;
    }

    /** Whether two clients may not hold these sets at once. */
    static boolean conflict(int a, int b) {
        return oneWay(a, b) || oneWay(b, a);
    }

    private static boolean oneWay(int x, int y) {
        if (has(x, Caps.AUTH_EXCL) && (y & (Caps.AUTH_SHARED | Caps.AUTH_EXCL)) != 0) {
            return true;
        }
        if (has(x, Caps.LINK_EXCL) && (y & (Caps.LINK_SHARED | Caps.LINK_EXCL)) != 0) {
            return true;
        }
        if (has(x, Caps.XATTR_EXCL) && (y & (Caps.XATTR_SHARED | Caps.XATTR_EXCL)) != 0) {
            return true;
        }
        int fileY = y & Caps.FILE_ANY;
        if (has(x, Caps.FILE_EXCL) && fileY != 0) {
            return true;
        }
        // buffered writes are invisible to others; cached data and a cached size go stale under others' writes
        if (has(x, Caps.FILE_BUFFER) && fileY != 0) {
            return true;
        }
        return (x & (Caps.FILE_CACHE | Caps.FILE_SHARED)) != 0 && (y & (Caps.FILE_WR | Caps.FILE_BUFFER)) != 0;
    }

    private static boolean has(int caps, int bit) {
        return (caps & bit) != 0;
    }
}
