package io.cairn.osd.peering;

/**
 * What a member says about its copy of a PG when the primary asks (Ceph's pg_info_t, reduced):
 * the newest entry it applied, the log position before its oldest kept entry (entries lie in
 * (logTail, lastUpdate]), the epoch in which it last went active (last_epoch_started), the
 * epoch by which it was last known clean everywhere (last_epoch_clean), and last_complete: every
 * object is current as of this entry, while objects named by later entries may still be missing
 * (the member went active with its log brought up to date and its objects still being recovered).
 */
public record PgInfo(Eversion lastUpdate, Eversion logTail, int lastEpochStarted, int lastEpochClean,
                     Eversion lastComplete) {
    public static final PgInfo EMPTY = new PgInfo(Eversion.ZERO, Eversion.ZERO, 0, 0);

    public PgInfo {
        if (logTail.newerThan(lastUpdate)) {
            throw new IllegalArgumentException("log tail " + logTail + " after last_update " + lastUpdate);
        }
        if (lastComplete.newerThan(lastUpdate)) {
            throw new IllegalArgumentException("last_complete " + lastComplete + " after last_update " + lastUpdate);
        }
    }

    /** A member holding every object its log names. */
    public PgInfo(Eversion lastUpdate, Eversion logTail, int lastEpochStarted, int lastEpochClean) {
        this(lastUpdate, logTail, lastEpochStarted, lastEpochClean, lastUpdate);
    }

    public boolean isEmpty() {
        return lastUpdate.equals(Eversion.ZERO);
    }

    /** False while objects named by log entries after last_complete may be missing. */
    public boolean isComplete() {
        return lastComplete.equals(lastUpdate);
    }
}
