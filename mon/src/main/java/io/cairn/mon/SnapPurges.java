package io.cairn.mon;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.Pool;
import io.cairn.common.osdmap.SnapIntervals;
import io.cairn.proto.v1.CommandRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The leader's side of snap trimming: once every PG of a pool reports a removed snap trimmed, the
 * snap leaves the pool's removed_snaps_queue for its purged snaps (an internal command). The same
 * proposal is not made twice within one map epoch. Leader ticker thread only.
 */
final class SnapPurges {
    private final Map<Long, SnapIntervals> proposed = new HashMap<>();
    private int proposedEpoch;

    List<CommandRequest> due(OsdMap map, PgStatsTable table, String entity) {
        if (map.epoch() != proposedEpoch) {
            proposed.clear();
            proposedEpoch = map.epoch();
        }
        List<CommandRequest> out = new ArrayList<>();
        for (Pool p : map.pools().values()) {
            if (p.removedSnapsQueue().isEmpty()) {
                continue;
            }
            SnapIntervals done = table.purgedByEveryPg(p);
            if (done.isEmpty() || done.equals(proposed.get(p.id()))) {
                continue;
            }
            proposed.put(p.id(), done);
            out.add(CommandRequest.newBuilder().setPrefix("osd pool snaps-purged").setEntity(entity)
                    .putArgs("pool", p.name()).putArgs("snaps", done.toString()).build());
        }
        return out;
    }
}
