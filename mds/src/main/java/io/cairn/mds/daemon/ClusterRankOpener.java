package io.cairn.mds.daemon;

import io.cairn.client.Rados;
import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.time.Clock;
import io.cairn.journaler.JournalOptions;
import io.cairn.mds.MdsBackend;
import io.cairn.mds.MdsOptions;
import io.cairn.mds.MdsRank;
import io.cairn.mds.RadosBackend;
import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.MdsHealthMetric;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsRequest;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Opens a rank of a file system on the cluster: its journal and namespace in the pools the FsMap names. */
final class ClusterRankOpener implements RankServer.Opener {
    private final Rados rados;
    private final CairnConfig config;
    private final MeterRegistry registry;

    ClusterRankOpener(Rados rados, CairnConfig config, MeterRegistry registry) {
        this.rados = rados;
        this.config = config;
        this.registry = registry;
    }

    @Override
    public RankServer open(Filesystem fs, int rank) {
        if (fs.getDataPoolsCount() == 0) {
            throw new CairnException(ErrorCode.EINVAL, "file system '" + fs.getName() + "' has no data pool");
        }
        MdsBackend backend = RadosBackend.forPools(rados, fs.getMetadataPool(), fs.getDataPools(0),
                JournalOptions.from(config), registry);
        return new Held(MdsRank.open(backend, rank, MdsOptions.from(config), Clock.SYSTEM, registry));
    }

    private record Held(MdsRank rank) implements RankServer {
        @Override
        public CompletableFuture<MdsReply> handle(MdsRequest request, Consumer<MdsReply> early) {
            return rank.handle(request, early);
        }

        @Override
        public void tick() {
            // the rank does the work on its own thread; a failed round is retried at the next tick
            rank.tick();
        }

        @Override
        public List<MdsHealthMetric> health() {
            return rank.health();
        }

        @Override
        public CompletableFuture<Void> journalSession(long clientId, String addr, boolean open) {
            return rank.journalSession(clientId, addr, open);
        }

        @Override
        public CompletableFuture<Map<Long, String>> openSessions() {
            return rank.openSessions();
        }

        @Override
        public CompletableFuture<Throwable> failure() {
            return rank.failure();
        }

        @Override
        public void close() {
            rank.close();
        }
    }
}
