package io.cairn.osd.heartbeat;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.Pool;
import io.cairn.common.time.Clock;
import io.cairn.osd.mon.MonLink;
import io.cairn.osd.net.PeerChannels;
import io.cairn.proto.v1.PingReply;
import io.cairn.proto.v1.PingRequest;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings every OSD this one shares a PG with, on a thread of its own; peers silent past
 * osd_heartbeat_grace are reported to the monitors (two reporters from distinct hosts mark one
 * down), and a report is withdrawn when the peer answers again. A reply only posts to this thread;
 * the tracker is touched nowhere else, so it needs no lock.
 */
public final class Heartbeater {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeater.class);

    private final PeerChannels peers;
    private final MonLink mon;
    private final Supplier<OsdMap> maps;
    private final Supplier<Set<PgId>> held;
    private final ScheduledExecutorService thread;
    private final LongSupplier intervalMs;
    private final LongSupplier graceMs;
    private final Clock clock;
    private final int me;
    private final HeartbeatTracker tracker;
    /** Each peer's up_from when last pinged. */
    private final Map<Integer, Integer> peerUpFrom = new HashMap<>();
    private long lastRoundMs = -1;

    public Heartbeater(PeerChannels peers, MonLink mon, Supplier<OsdMap> maps, Supplier<Set<PgId>> held,
                       ScheduledExecutorService thread, LongSupplier intervalMs, LongSupplier graceMs, Clock clock,
                       int me) {
        this.peers = peers;
        this.mon = mon;
        this.maps = maps;
        this.held = held;
        this.thread = thread;
        this.intervalMs = intervalMs;
        this.graceMs = graceMs;
        this.clock = clock;
        this.me = me;
        this.tracker = new HeartbeatTracker(graceMs);
    }

    /** One round (heartbeat thread): ping, then report what the tracker says. */
    public void round() {
        try {
            OsdMap m = maps.get();
            if (m == null) {
                return;
            }
            Set<Integer> peerIds = peersOf(m);
            long now = clock.monotonicMs();
            boolean wasPaused = lastRoundMs >= 0 && now - lastRoundMs > graceMs.getAsLong();
            lastRoundMs = now;
            for (int peer : peerIds) {
                // a peer that came up again is a new incarnation: its silence counts from now, not from its
                // crash; and after this OSD itself was paused (SIGSTOP, a long GC) nobody's silence is known
                Integer seen = peerUpFrom.put(peer, m.osd(peer).upFrom());
                if (wasPaused || (seen != null && seen != m.osd(peer).upFrom())) {
                    tracker.heard(peer, now);
                }
            }
            long timeoutMs = Math.max(500, intervalMs.getAsLong());
            for (int peer : peerIds) {
                ping(m, peer, timeoutMs);
            }
            for (HeartbeatTracker.Action a : tracker.tick(now, peerIds)) {
                switch (a) {
                    case HeartbeatTracker.Report r -> {
                        LOG.info("osd.{} has not answered for {} ms: reporting it", r.peer(), r.silentMs());
                        mon.reportFailure(r.peer(), m.epoch(), false, (int) (r.silentMs() / 1000));
                    }
                    case HeartbeatTracker.Cancel c -> mon.reportFailure(c.peer(), m.epoch(), true, 0);
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("heartbeat round failed: {}", e.toString());
        }
    }

    private Set<Integer> peersOf(OsdMap m) {
        Set<Integer> out = new TreeSet<>();
        for (PgId pg : held.get()) {
            Pool pool = m.pool(pg.pool());
            if (pool != null && pg.seed() < pool.pgNum()) {
                for (int osd : m.mapPg(pg).acting()) {
                    if (osd != me && m.isUp(osd)) {
                        out.add(osd);
                    }
                }
            }
        }
        return out;
    }

    private void ping(OsdMap m, int peer, long timeoutMs) {
        try {
            peers.async(m, peer, timeoutMs).ping(PingRequest.newBuilder().setFrom(me).setEpoch(m.epoch()).build(),
                    new StreamObserver<>() {
                        @Override
                        public void onNext(PingReply r) {
                            long at = clock.monotonicMs();
                            try {
                                thread.execute(() -> tracker.heard(peer, at));
                            } catch (RejectedExecutionException stopping) {
                                // the OSD is stopping
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
        } catch (RuntimeException e) {
            LOG.debug("no ping to osd.{}: {}", peer, e.toString());
        }
    }
}
