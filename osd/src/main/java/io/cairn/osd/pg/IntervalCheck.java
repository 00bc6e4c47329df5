package io.cairn.osd.pg;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import java.util.Optional;

/** Whether a request from a primary still belongs to the PG's current interval. */
public final class IntervalCheck {
    private IntervalCheck() {}

    /** In the PG's acting set, or in its up set only (a backfill target while a pg_temp holds). */
    public static boolean servesOrTargets(PgMapping pm, int osd) {
        return pm.acting().contains(osd) || pm.up().contains(osd);
    }

    /** Same acting set, up set and acting primary: the same interval. */
    public static boolean sameInterval(PgMapping a, PgMapping b) {
        return a.acting().equals(b.acting()) && a.up().equals(b.up()) && a.actingPrimary() == b.actingPrimary();
    }

    /**
     * Refuses (ESTALE) a request sent in {@code senderEpoch} if the PG's interval changed since:
     * a primary that has not yet seen the map that replaced it must not add to the log what the
     * new interval's peering did not account for, nor overwrite newer copies with a stale recovery.
     */
    public static void requireCurrent(MapHistory history, PgId pg, int senderEpoch, OsdMap now) {
        if (senderEpoch >= now.epoch()) {
            return;
        }
        PgMapping cur = now.mapPg(pg);
        int pgNumNow = now.pool(pg.pool()).pgNum();
        for (int e = senderEpoch; e < now.epoch(); e++) {
            Optional<OsdMap> then = history.get(e).filter(m -> m.pool(pg.pool()) != null);
            if (then.isEmpty() || then.get().pool(pg.pool()).pgNum() != pgNumNow) {
                throw new CairnException(ErrorCode.ESTALE, "pg " + pg + " changed interval after epoch " + senderEpoch);
            }
            PgMapping pm = then.get().mapPg(pg);
            if (!pm.acting().equals(cur.acting()) || pm.actingPrimary() != cur.actingPrimary()) {
                throw new CairnException(ErrorCode.ESTALE, "pg " + pg + " changed interval after epoch " + senderEpoch);
            }
        }
    }
}
