package io.cairn.mds;

import io.cairn.client.ClusterStats;
import java.util.HashMap;
import java.util.Map;

/** A backend in memory, for tests: it outlives the ranks opened over it, as the cluster would. */
public final class MemoryBackend implements MdsBackend {
    private final MemoryPool metadata = new MemoryPool(1);
    private final MemoryPool data = new MemoryPool(2);
    private final Map<String, MemoryJournal> journals = new HashMap<>();
    private volatile ClusterStats stats = new ClusterStats(1L << 40, 1L << 30, (1L << 40) - (1L << 30), 0);

    @Override
    public synchronized MdsLog openLog(String name) {
        return journal(name).openWriter();
    }

    public synchronized MemoryJournal journal(String name) {
        return journals.computeIfAbsent(name, k -> new MemoryJournal());
    }

    @Override
    public MemoryPool metadata() {
        return metadata;
    }

    @Override
    public MemoryPool data() {
        return data;
    }

    @Override
    public ClusterStats clusterStats() {
        return stats;
    }

    public void setClusterStats(ClusterStats s) {
        stats = s;
    }
}
