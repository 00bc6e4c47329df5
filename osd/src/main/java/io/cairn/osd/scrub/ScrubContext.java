package io.cairn.osd.scrub;

import io.cairn.common.mon.MapFollower;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.Pool;
import io.cairn.osd.mon.MonLink;
import io.cairn.osd.net.PeerChannels;
import io.cairn.osd.pg.PgRegistry;
import io.cairn.proto.v1.OsdServiceGrpc;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** What the scrubber sees of the rest of the OSD: the map, the PGs it leads and whether they are clean, peers, the log. */
public final class ScrubContext implements PgScrubber.Shell {
    private final MapFollower maps;
    private final PgRegistry registry;
    private final PeerChannels peers;
    private final MonLink mon;
    private final int me;
    private final Function<PgId, Optional<List<Integer>>> cleanActing;

    public ScrubContext(MapFollower maps, PgRegistry registry, PeerChannels peers, MonLink mon, int me,
                        Function<PgId, Optional<List<Integer>>> cleanActing) {
        this.maps = maps;
        this.registry = registry;
        this.peers = peers;
        this.mon = mon;
        this.me = me;
        this.cleanActing = cleanActing;
    }

    @Override
    public OsdMap map() {
        return maps.map();
    }

    @Override
    public List<PgId> ledPgs() {
        OsdMap m = maps.map();
        List<PgId> out = new ArrayList<>();
        for (PgId pg : registry.held()) {
            Pool pool = m.pool(pg.pool());
            if (pool != null && pg.seed() < pool.pgNum() && m.mapPg(pg).actingPrimary() == me) {
                out.add(pg);
            }
        }
        return out;
    }

    @Override
    public Optional<List<Integer>> cleanActing(PgId pg) {
        return cleanActing.apply(pg);
    }

    @Override
    public int intervalSeq(PgId pg) {
        return registry.get(pg).intervalSeq();
    }

    @Override
    public OsdServiceGrpc.OsdServiceBlockingStub stub(OsdMap map, int osd) {
        return peers.blocking(map, osd);
    }

    @Override
    public double loadPerCpu() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return Math.max(0, os.getSystemLoadAverage()) / Math.max(1, os.getAvailableProcessors());
    }

    @Override
    public void clusterLog(String level, String message) {
        mon.clusterLog(level, message);
    }
}
