package io.cairn.osd.peering;

import java.util.EnumSet;
import java.util.Set;

/** A peering phase and what the PG's members lack, as the state flags Ceph shows for it. */
final class PeeringStates {
    private PeeringStates() {}

    /**
     * @param remapped the acting set is not the up set (a pg_temp holds)
     * @param undersized fewer acting members than the pool's size
     * @param aboveMinSize at least min_size acting members
     * @param logRecovery some member recovers from the log
     * @param backfill some member is backfilled
     * @param actingLacks an acting member (not only an up-only target) still lacks objects
     */
    static Set<PgStateFlag> of(PeeringMachine.Phase phase, boolean remapped, boolean undersized, boolean aboveMinSize,
                               boolean logRecovery, boolean backfill, boolean actingLacks) {
        EnumSet<PgStateFlag> s = EnumSet.noneOf(PgStateFlag.class);
        if (remapped) {
            s.add(PgStateFlag.REMAPPED);
        }
        switch (phase) {
            case DOWN -> s.add(PgStateFlag.DOWN);
            case INCOMPLETE -> s.add(PgStateFlag.INCOMPLETE);
            case WAIT_MIN_SIZE -> {
                s.add(PgStateFlag.PEERED);
                s.add(PgStateFlag.UNDERSIZED);
                s.add(PgStateFlag.DEGRADED);
            }
            case GET_INFO, GET_LOG, GET_MISSING, WAIT_ACTING_CHANGE, WAIT_UP_THRU -> {
                s.add(PgStateFlag.PEERING);
                if (undersized) {
                    s.add(PgStateFlag.UNDERSIZED);
                    s.add(PgStateFlag.DEGRADED);
                }
            }
            case ACTIVE -> {
                s.add(aboveMinSize ? PgStateFlag.ACTIVE : PgStateFlag.PEERED);
                if (logRecovery) {
                    s.add(PgStateFlag.RECOVERING);
                } else if (backfill) {
                    s.add(PgStateFlag.BACKFILLING);
                }
                if (undersized) {
                    s.add(PgStateFlag.UNDERSIZED);
                }
                // copies missing on an up-only backfill target are misplaced, not degraded
                if (undersized || actingLacks) {
                    s.add(PgStateFlag.DEGRADED);
                }
            }
            case CLEAN -> {
                s.add(PgStateFlag.ACTIVE);
                s.add(PgStateFlag.CLEAN);
            }
        }
        return s;
    }
}
