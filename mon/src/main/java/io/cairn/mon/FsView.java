package io.cairn.mon;

import io.cairn.proto.v1.MdsHealthMetric;
import java.util.List;
import java.util.Map;

/**
 * The file-system side of a read: the newest FsMap, and the health metrics its daemons last
 * reported in their beacons (the leader's memory; empty elsewhere), by gid.
 */
record FsView(FsMap map, Map<Long, List<MdsHealthMetric>> daemonHealth) {
    static final FsView NONE = new FsView(FsMap.EMPTY, Map.of());

    FsView {
        daemonHealth = Map.copyOf(daemonHealth);
    }
}
