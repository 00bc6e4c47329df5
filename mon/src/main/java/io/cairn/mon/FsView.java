package io.cairn.mon;

import io.cairn.proto.v1.MdsHealthMetric;
import java.util.List;
import java.util.Map;

/**
 * The file-system side of a read: the newest FsMap, and what its daemons last reported in their
 * beacons (the leader's memory; empty elsewhere), by gid: health metrics, and clients and caps.
 */
record FsView(FsMap map, Map<Long, List<MdsHealthMetric>> daemonHealth, Map<Long, Load> daemonLoad) {
    static final FsView NONE = new FsView(FsMap.EMPTY, Map.of());

    /** A rank holder's client sessions and the inodes they hold caps on. */
    record Load(int clients, long caps) {}

    FsView {
        daemonHealth = Map.copyOf(daemonHealth);
        daemonLoad = Map.copyOf(daemonLoad);
    }

    FsView(FsMap map, Map<Long, List<MdsHealthMetric>> daemonHealth) {
        this(map, daemonHealth, Map.of());
    }
}
