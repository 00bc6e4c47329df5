package io.cairn.mon;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.GetIncrementalsReply;
import io.cairn.proto.v1.MapUpdate;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Map subscribers of one monitor. Each remembers the last epoch and config database version it
 * was sent; whenever a new epoch or config version is applied, or a slow subscriber's stream
 * becomes writable again, it is sent what it lacks
 * straight from the kept history (a full map if that was trimmed). The history is the only
 * queue, so a stalled subscriber costs no memory. One dispatcher thread does all sending, never
 * the Raft apply thread.
 */
final class Subscriptions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);
    private static final int UPDATE_INCREMENTALS_MAX = 200;
    private static final int UPDATES_PER_CATCH_UP_MAX = 100;

    private final MonStateMachine sm;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mon-subscriptions");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean scheduled = new AtomicBoolean();

    private final class Subscriber {
        final ServerCallStreamObserver<MapUpdate> stream;
        int sentEpoch;
        /** -1 until the first update, so a new subscriber learns the config version at once. */
        long sentConfigVersion = -1;

        Subscriber(ServerCallStreamObserver<MapUpdate> stream, int haveEpoch) {
            this.stream = stream;
            this.sentEpoch = haveEpoch;
        }

        /**
         * Sends what this subscriber lacks, while its stream accepts more: maps it has not seen,
         * and the config database version whenever it grew (alone if no map changed).
         */
        void catchUp() {
            int bounded = 0;
            while (!stream.isCancelled() && stream.isReady() && bounded++ < UPDATES_PER_CATCH_UP_MAX) {
                long configVersion = sm.configVersion();
                boolean mapsBehind = sentEpoch < sm.epoch();
                if (!mapsBehind && sentConfigVersion >= configVersion) {
                    return;
                }
                MapUpdate.Builder u = MapUpdate.newBuilder().setConfigVersion(configVersion);
                if (mapsBehind) {
                    GetIncrementalsReply r = sm.incrementals(sentEpoch, UPDATE_INCREMENTALS_MAX);
                    if (r.hasFull()) {
                        u.setFull(r.getFull());
                        sentEpoch = r.getFull().getEpoch();
                    } else if (r.getIncrementalsCount() > 0) {
                        u.addAllIncrementals(r.getIncrementalsList());
                        sentEpoch = r.getIncrementals(r.getIncrementalsCount() - 1).getEpoch();
                    } else if (sentConfigVersion >= configVersion) {
                        return;
                    }
                }
                stream.onNext(u.build());
                sentConfigVersion = configVersion;
            }
        }
    }

    Subscriptions(MonStateMachine sm) {
        this.sm = sm;
    }

    void add(ServerCallStreamObserver<MapUpdate> stream, int haveEpoch) {
        Subscriber s = new Subscriber(stream, Math.max(0, haveEpoch));
        stream.setOnCancelHandler(() -> subscribers.remove(s));
        stream.setOnReadyHandler(() -> dispatcher.execute(() -> s.catchUp()));
        subscribers.add(s);
        dispatcher.execute(s::catchUp);
    }

    /** Called after an epoch is applied (on the apply thread): only schedules the sending. */
    void published(OsdMap map) {
        wakeAll();
    }

    /** Called after the config database changed (on the apply thread): only schedules the sending. */
    void configChanged(long version) {
        wakeAll();
    }

    private void wakeAll() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                dispatcher.execute(() -> {
                    scheduled.set(false);
                    for (Subscriber s : subscribers) {
                        try {
                            s.catchUp();
                        } catch (RuntimeException e) {
                            LOG.debug("dropping subscriber: {}", e.toString());
                            subscribers.remove(s);
                        }
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                scheduled.set(false);
            }
        }
    }

    int count() {
        return subscribers.size();
    }

    @Override
    public void close() {
        for (Subscriber s : subscribers) {
            try {
                s.stream.onCompleted();
            } catch (RuntimeException e) {
                LOG.debug("closing subscriber: {}", e.toString());
            }
        }
        dispatcher.shutdownNow();
    }
}
