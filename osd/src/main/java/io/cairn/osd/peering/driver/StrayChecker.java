package io.cairn.osd.peering.driver;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Pool;
import io.cairn.osd.net.PeerChannels;
import io.cairn.osd.pg.IntervalCheck;
import io.cairn.osd.pg.PgRegistry;
import io.cairn.proto.v1.StrayCheckReply;
import io.cairn.proto.v1.StrayCheckRequest;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds this OSD's copies of PGs it neither serves nor is a target of, and asks each one's
 * primary whether the copy can go. A primary that goes clean tells the strays its peering heard
 * from to delete their copies, but an OSD that was down at that moment, or whose copy is from an
 * interval peering no longer asks about, would keep its copy (and its clones, which no trimmer
 * visits) for good; this is how such a copy is found and removed. One question per PG in flight.
 */
public final class StrayChecker {
    private static final Logger LOG = LoggerFactory.getLogger(StrayChecker.class);
    /** How long to wait for a primary's answer. */
    private static final long ASK_TIMEOUT_MS = 10_000;

    private final Supplier<OsdMap> maps;
    private final PgRegistry registry;
    private final PeerChannels peers;
    private final BiConsumer<PgId, String> remover;
    private final int me;
    private final Set<PgId> asking = ConcurrentHashMap.newKeySet();

    public StrayChecker(Supplier<OsdMap> maps, PgRegistry registry, PeerChannels peers,
                        BiConsumer<PgId, String> remover, int me) {
        this.maps = maps;
        this.registry = registry;
        this.peers = peers;
        this.remover = remover;
        this.me = me;
    }

    /** One round (the timer's thread): never blocks, the answers come back on gRPC's threads. */
    public void tick() {
        OsdMap map = maps.get();
        for (PgId id : registry.held()) {
            Pool pool = map.pool(id.pool());
            if (pool == null || id.seed() >= pool.pgNum()) {
                continue; // the map handler removes copies of deleted pools; a split is in progress
            }
            PgMapping pm = map.mapPg(id);
            int primary = pm.actingPrimary();
            if (IntervalCheck.servesOrTargets(pm, me) || primary < 0 || !map.isUp(primary) || !asking.add(id)) {
                continue;
            }
            ask(map, id, primary);
        }
    }

    private void ask(OsdMap map, PgId id, int primary) {
        StrayCheckRequest req = StrayCheckRequest.newBuilder().setEpoch(map.epoch()).setPool(id.pool())
                .setSeed(id.seed()).setFrom(me).build();
        try {
            peers.async(map, primary, ASK_TIMEOUT_MS).strayCheck(req, new StreamObserver<>() {
                @Override
                public void onNext(StrayCheckReply r) {
                    if (r.getCode() == 0 && r.getRemove()) {
                        removeIfStillStray(id, primary);
                    }
                }

                @Override
                public void onError(Throwable t) {
                    LOG.debug("pg {}: stray check with osd.{} failed: {}", id, primary, t.toString());
                    asking.remove(id);
                }

                @Override
                public void onCompleted() {
                    asking.remove(id);
                }
            });
        } catch (RuntimeException e) {
            asking.remove(id);
            LOG.debug("pg {}: stray check not sent to osd.{}: {}", id, primary, e.toString());
        }
    }

    /** This OSD's own map decides too: a newer one may have made it a member again. */
    private void removeIfStillStray(PgId id, int primary) {
        OsdMap now = maps.get();
        Pool pool = now.pool(id.pool());
        if (pool == null || id.seed() >= pool.pgNum() || IntervalCheck.servesOrTargets(now.mapPg(id), me)
                || !registry.holds(id)) {
            return;
        }
        registry.invalidate(id);
        remover.accept(id, "a stray copy; osd." + primary + " has the PG clean without it");
    }
}
