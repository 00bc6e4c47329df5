package io.cairn.mds;

import io.cairn.client.ClusterStats;

/**
 * Everything outside the process a rank talks to: its journal, the metadata pool (directory
 * objects and tables), the data pool (backtraces, purges) and the cluster's space figures.
 * {@link RadosBackend} is the cluster; {@link MemoryBackend} is memory, for tests.
 */
public interface MdsBackend {
    /** Takes the journal {@code name} as its only writer, fencing any older one. Blocking. */
    MdsLog openLog(String name);

    PoolIo metadata();

    PoolIo data();

    /** The cluster's space totals, for statfs. Blocking: called on a thread of its own, never the rank's. */
    ClusterStats clusterStats();
}
