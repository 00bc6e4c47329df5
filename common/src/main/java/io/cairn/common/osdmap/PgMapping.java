package io.cairn.common.osdmap;

import java.util.List;

/**
 * Where a PG lives in one map: the up set (CRUSH, overrides, minus down OSDs), the acting set
 * (up, or pg_temp while a new member catches up) and their primaries (-1 when empty).
 */
public record PgMapping(PgId pg, List<Integer> up, int upPrimary, List<Integer> acting, int actingPrimary) {
    public PgMapping {
        up = List.copyOf(up);
        acting = List.copyOf(acting);
    }
}
