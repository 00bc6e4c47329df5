package io.cairn.osd.peering;

import java.util.Map;
import java.util.Optional;

/** What one member of the acting set needs before it holds the authoritative copy of the PG. */
public sealed interface PeerPlan {
    /** Already current. */
    record Current() implements PeerPlan { }

    /**
     * The log covers it: these objects must be copied from the authoritative member, each at the
     * given version ({@link Eversion#ZERO} for an object a divergent entry touched and the
     * authoritative log does not name: copy whatever the authority holds, which may be nothing).
     * A divergent member first drops its log entries after {@code rewindTo}, the last position it
     * shares with the authority.
     */
    record Recover(Map<ObjectName, Eversion> missing, Optional<Eversion> rewindTo) implements PeerPlan {
        public Recover {
            missing = Map.copyOf(missing);
        }

        public Recover(Map<ObjectName, Eversion> missing) {
            this(missing, Optional.empty());
        }
    }

    /** Its last_update is older than the authoritative log's tail: copy the whole PG, in hash order. */
    record Backfill() implements PeerPlan { }

    public static boolean needsWork(PeerPlan p) {
        return switch (p) {
            case Current c -> false;
            case Recover r -> !r.missing().isEmpty();
            case Backfill b -> true;
        };
    }
}
