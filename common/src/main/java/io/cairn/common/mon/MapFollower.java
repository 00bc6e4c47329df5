package io.cairn.common.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.OsdMapCodec;
import io.cairn.common.time.Pause;
import io.cairn.proto.v1.MapUpdate;
import io.cairn.proto.v1.OsdMapIncrementalData;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the newest OSDMap: fetches it, subscribes for every later epoch (applying incrementals,
 * or a full map after a gap), resubscribes to the next monitor when a stream breaks, and tells
 * listeners about each new map on its own thread. Epochs only grow.
 */
public final class MapFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MapFollower.class);
    private static final long RESUBSCRIBE_MS = 1000;
    /** When a client first asks for the monitor map (after a short CLI run is over), then how often. */
    private static final long MONITORS_FIRST_LEARN_S = 10;
    private static final long MONITORS_LEARN_S = 120;

    private final MonClient mon;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "map-follower");
        t.setDaemon(true);
        return t;
    });
    /** Its own thread: asking for the monitor map can wait on a quorum, and map updates must not. */
    private final ScheduledExecutorService learner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mon-map-learner");
        t.setDaemon(true);
        return t;
    });
    private final List<Consumer<OsdMap>> listeners = new CopyOnWriteArrayList<>();
    private final List<LongConsumer> configListeners = new CopyOnWriteArrayList<>();
    private volatile OsdMap map;
    /** The newest central config database version a monitor announced (-1 = none yet). */
    private volatile long configVersion = -1;
    private volatile boolean closed;

    public MapFollower(MonClient mon) {
        this.mon = mon;
    }

    /** Fetches the newest map (waiting up to {@code timeout} for the cluster) and starts following. */
    public MapFollower start(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                accept(mon.getMap(0));
                break;
            } catch (CairnException e) {
                if (System.nanoTime() > deadline) {
                    throw new CairnException(ErrorCode.ETIMEDOUT, "no OSDMap from the monitors: " + e.getMessage());
                }
                Pause.ms(300);
            }
        }
        subscribe();
        // a long-lived client follows the monitor map, so it outlives its initial monitors
        learner.scheduleWithFixedDelay(() -> {
            if (!closed) {
                mon.learnMonitors();
            }
        }, MONITORS_FIRST_LEARN_S, MONITORS_LEARN_S, TimeUnit.SECONDS);
        return this;
    }

    public OsdMap map() {
        return map;
    }

    public void addListener(Consumer<OsdMap> listener) {
        listeners.add(listener);
    }

    /**
     * Tells {@code listener} each newer central config database version the monitors announce in
     * the subscription (on this follower's thread: it must only hand the work on).
     */
    public void addConfigVersionListener(LongConsumer listener) {
        configListeners.add(listener);
    }

    /** The newest central config version announced so far, or -1. */
    public long configVersion() {
        return configVersion;
    }

    /** Asks the monitors for the newest map now (after an OSD said ours is stale). */
    public OsdMap refresh() {
        accept(mon.getMap(0));
        return map;
    }

    /** Waits until the map reaches {@code epoch}; returns false on timeout. */
    public boolean awaitEpoch(int epoch, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (map.epoch() < epoch) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(Math.min(left, 200));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private void subscribe() {
        if (closed) {
            return;
        }
        try {
            mon.subscribe(map.epoch(), new StreamObserver<>() {
                @Override
                public void onNext(MapUpdate u) {
                    executor.execute(() -> apply(u));
                }

                @Override
                public void onError(Throwable t) {
                    resubscribeLater();
                }

                @Override
                public void onCompleted() {
                    resubscribeLater();
                }
            });
        } catch (RuntimeException e) {
            resubscribeLater();
        }
    }

    private void resubscribeLater() {
        if (!closed) {
            mon.rotate();
            executor.schedule(this::subscribe, RESUBSCRIBE_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void apply(MapUpdate u) {
        noteConfigVersion(u.getConfigVersion());
        try {
            OsdMap m = map;
            if (u.hasFull() && u.getFull().getEpoch() > m.epoch()) {
                m = OsdMapCodec.decode(u.getFull());
            }
            for (OsdMapIncrementalData d : u.getIncrementalsList()) {
                if (d.getEpoch() == m.epoch() + 1) {
                    m = m.apply(OsdMapCodec.decode(d));
                } else if (d.getEpoch() > m.epoch() + 1) {
                    m = mon.getMap(0);
                    break;
                }
            }
            accept(m);
        } catch (RuntimeException e) {
            LOG.warn("map update failed, refetching: {}", e.toString());
            try {
                accept(mon.getMap(0));
            } catch (RuntimeException again) {
                LOG.warn("map refetch failed: {}", again.toString());
            }
        }
    }

    private void noteConfigVersion(long version) {
        // monitors behind the one we followed before may announce an older version: only growth counts
        if (version <= configVersion) {
            return;
        }
        configVersion = version;
        for (LongConsumer l : configListeners) {
            try {
                l.accept(version);
            } catch (RuntimeException e) {
                LOG.warn("config version listener failed: {}", e.toString());
            }
        }
    }

    private void accept(OsdMap m) {
        boolean newer;
        synchronized (this) {
            newer = map == null || m.epoch() > map.epoch();
            if (newer) {
                map = m;
                notifyAll();
            }
        }
        if (newer) {
            for (Consumer<OsdMap> l : listeners) {
                try {
                    l.accept(m);
                } catch (RuntimeException e) {
                    LOG.warn("map listener failed: {}", e.toString());
                }
            }
        }
    }


    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        learner.shutdownNow();
    }
}
