package io.cairn.osd.peering;

/**
 * What a member says about its copy of a PG when the primary asks (Ceph's pg_info_t, reduced):
 * the newest entry it applied, the log position before its oldest kept entry (entries lie in
 * (logTail, lastUpdate]), the epoch in which it last went active (last_epoch_started) and the
 * epoch by which it was last known clean everywhere (last_epoch_clean).
 */
public record PgInfo(Eversion lastUpdate, Eversion logTail, int lastEpochStarted, int lastEpochClean) {
    public static final PgInfo EMPTY = new PgInfo(Eversion.ZERO, Eversion.ZERO, 0, 0);

    public PgInfo {
        if (logTail.newerThan(lastUpdate)) {
            throw new IllegalArgumentException("log tail " + logTail + " after last_update " + lastUpdate);
        }
    }

    public boolean isEmpty() {
        return lastUpdate.equals(Eversion.ZERO);
    }
}
