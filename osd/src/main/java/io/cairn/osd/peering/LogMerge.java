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
 * the authority never had). A member whose history cannot be matched inside the authoritative log
 * needs backfill.
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
        if (lu.equals(auth.head())) {
            return new Outcome.Planned(new PeerPlan.Current());
        }
        if (lu.compareTo(auth.tail()) < 0 || (auth.tail().equals(auth.head()) && !lu.equals(auth.tail()))) {
            return new Outcome.Planned(new PeerPlan.Backfill());
        }
        if (auth.has(lu)) {
            return new Outcome.Planned(recover(auth, lu, List.of()));
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
        return new Outcome.Planned(recover(auth, common, theirs.after(common)));
    }

    private static PeerPlan recover(PgLog auth, Eversion from, List<LogEntry> divergent) {
        Map<ObjectName, Eversion> missing = new HashMap<>();
        for (LogEntry e : divergent) {
            missing.put(e.object(), Eversion.ZERO);
        }
        auth.newestPerObjectAfter(from).forEach((o, e) -> missing.put(o, e.version()));
        Optional<Eversion> rewind = divergent.isEmpty() ? Optional.empty() : Optional.of(from);
        return missing.isEmpty() && rewind.isEmpty() ? new PeerPlan.Current() : new PeerPlan.Recover(missing, rewind);
    }
}
