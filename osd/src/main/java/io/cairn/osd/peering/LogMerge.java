package io.cairn.osd.peering;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares one member's log with the authoritative log and says what the member lacks. A member
 * whose last_update is an entry of the authoritative log lacks the objects named after it. A
 * member whose last_update is not (it accepted writes the authority never saw: a primary that
 * failed before its replicas had them) is divergent: its newest entry shared with the authority
 * is the last common point, and every object its later entries touched is copied back from the
 * authority, so the divergent writes are rolled back to the authoritative state (removing objects
 * the authority never had). A member still recovering when it last went active (last_complete
 * before last_update) also lacks the objects named after its last_complete. A member whose
 * history cannot be matched inside the authoritative log needs backfill.
 */
public final class LogMerge {
    private LogMerge() {
    }

    /** Either a plan, or the member's log entries after {@code after} are needed first. */
    public sealed interface Outcome {
        record Planned(PeerPlan plan) implements Outcome { }

        record NeedsLog(Eversion after) implements Outcome { }
    }

    public static Outcome plan(PgLog auth, PgInfo peer, Optional<PgLog> peerLog) {
        Eversion lu = peer.lastUpdate();
        Eversion lc = peer.lastComplete();
        if (lu.equals(auth.head()) && peer.isComplete()) {
            return new Outcome.Planned(new PeerPlan.Current());
        }
        if (lu.compareTo(auth.tail()) < 0 || lc.compareTo(auth.tail()) < 0
                || (auth.tail().equals(auth.head()) && !lu.equals(auth.tail()))) {
            // its history, or the objects it still lacked when it last went active, reach back before the log
            return new Outcome.Planned(new PeerPlan.Backfill());
        }
        if (auth.has(lu)) {
            return new Outcome.Planned(recover(auth, lu, lc, List.of()));
        }
        if (peerLog.isEmpty()) {
            return new Outcome.NeedsLog(auth.tail());
        }
        PgLog theirs = peerLog.get();
        Eversion common = null;
        List<LogEntry> entries = theirs.entries();
        for (int i = entries.size() - 1; i >= 0 && common == null; i--) {
            if (auth.has(entries.get(i).version())) {
                common = entries.get(i).version();
            }
        }
        if (common == null && auth.has(theirs.tail())) {
            common = theirs.tail();
        }
        if (common == null || common.compareTo(auth.tail()) < 0) {
            return new Outcome.Planned(new PeerPlan.Backfill());
        }
        return new Outcome.Planned(recover(auth, common, lc, theirs.after(common)));
    }

    /**
     * Where a member going active under {@code plan} stands until its objects arrive: every object
     * is current as of this entry. The older of its last shared entry and its own last_complete for
     * log recovery; nothing for backfill (the next peering, should this one be cut short, must
     * start the backfill over).
     */
    public static Eversion lastComplete(PgInfo peer, PeerPlan plan) {
        return switch (plan) {
            case PeerPlan.Current c -> peer.lastUpdate();
            case PeerPlan.Recover r -> {
                Eversion common = r.rewindTo().orElse(peer.lastUpdate());
                yield peer.lastComplete().compareTo(common) < 0 ? peer.lastComplete() : common;
            }
            case PeerPlan.Backfill b -> Eversion.ZERO;
        };
    }

    /**
     * The member shares the authoritative history up to {@code common}, but its objects are only
     * known current up to {@code lastComplete}: it lacks every object the log names after the older
     * of the two, and a divergent member is rewound to {@code common}.
     */
    private static PeerPlan recover(PgLog auth, Eversion common, Eversion lastComplete, List<LogEntry> divergent) {
        Map<ObjectName, Eversion> missing = new HashMap<>();
        for (LogEntry e : divergent) {
            missing.put(e.object(), Eversion.ZERO);
        }
        Eversion from = lastComplete.compareTo(common) < 0 ? lastComplete : common;
        auth.newestPerObjectAfter(from).forEach((o, e) -> missing.put(o, e.version()));
        Optional<Eversion> rewind = divergent.isEmpty() ? Optional.empty() : Optional.of(common);
        return missing.isEmpty() && rewind.isEmpty() ? new PeerPlan.Current() : new PeerPlan.Recover(missing, rewind);
    }
}
