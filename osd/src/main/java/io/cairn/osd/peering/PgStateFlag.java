package io.cairn.osd.peering;

import java.util.EnumSet;
import java.util.Set;
import java.util.StringJoiner;

/** PG state flags, declared in the order Ceph's pg_state_string prints them. */
public enum PgStateFlag {
    STALE, CREATING, ACTIVE, ACTIVATING, CLEAN, RECOVERY_WAIT, RECOVERY_TOOFULL, RECOVERING, DOWN, UNDERSIZED,
    DEGRADED, REMAPPED, SCRUBBING, DEEP, INCONSISTENT, PEERING, REPAIR, BACKFILL_WAIT, BACKFILLING, BACKFILL_TOOFULL,
    INCOMPLETE, PEERED, SNAPTRIM, SNAPTRIM_WAIT, SNAPTRIM_ERROR;

    public String cephName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Ceph's form, e.g. {@code active+recovering+undersized+degraded}. */
    public static String format(Set<PgStateFlag> flags) {
        if (flags.isEmpty()) {
            return "unknown";
        }
        StringJoiner j = new StringJoiner("+");
        EnumSet.copyOf(flags).forEach(f -> j.add(f.cephName()));
        return j.toString();
    }
}
