package io.cairn.mds;

import io.cairn.client.ClusterStats;
import io.cairn.client.IoCtx;
import io.cairn.client.Rados;
import io.cairn.client.RadosException;
import io.cairn.common.osdmap.Pool;
import io.cairn.journaler.JournalMetrics;
import io.cairn.journaler.JournalOptions;
import io.micrometer.core.instrument.MeterRegistry;

/** A rank's backend on the cluster: the file system's metadata and data pools through one Rados handle. */
public final class RadosBackend implements MdsBackend {
    private final Rados rados;
    private final IoCtx metaIo;
    private final PoolIo metadata;
    private final PoolIo data;
    private final JournalOptions journalOptions;
    private final MeterRegistry registry;

    public RadosBackend(Rados rados, IoCtx metadataPool, IoCtx dataPool, JournalOptions journalOptions,
            MeterRegistry registry) {
        this.rados = rados;
        this.metaIo = metadataPool;
        this.metadata = new RadosPoolIo(metadataPool);
        this.data = new RadosPoolIo(dataPool);
        this.journalOptions = journalOptions;
        this.registry = registry;
    }

    /** The backend of a file system whose pools the FsMap names by id; NotFound if either pool is gone. */
    public static RadosBackend forPools(Rados rados, long metadataPoolId, long dataPoolId, JournalOptions journalOptions,
            MeterRegistry registry) {
        return new RadosBackend(rados, rados.ioCtx(poolName(rados, metadataPoolId)),
                rados.ioCtx(poolName(rados, dataPoolId)), journalOptions, registry);
    }

    private static String poolName(Rados rados, long id) {
        Pool p = rados.map().pool(id);
        if (p == null) {
            rados.poolList(); // newer maps: the pool may be younger than the map this handle has
            p = rados.map().pool(id);
        }
        if (p == null) {
            throw new RadosException.NotFound("pool " + id + " does not exist");
        }
        return p.name();
    }

    @Override
    public MdsLog openLog(String name) {
        return RadosMdsLog.open(metaIo, name, journalOptions, new JournalMetrics(registry, name));
    }

    @Override
    public PoolIo metadata() {
        return metadata;
    }

    @Override
    public PoolIo data() {
        return data;
    }

    @Override
    public ClusterStats clusterStats() {
        return rados.clusterStats();
    }
}
