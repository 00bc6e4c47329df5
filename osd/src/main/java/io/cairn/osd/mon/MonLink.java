package io.cairn.osd.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.mon.MonClient;
import io.cairn.common.time.Clock;
import io.cairn.proto.v1.CommandReply;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the OSD asks of the monitors once it runs, each call on the monitor executor of its
 * own so that a slow or unreachable monitor never holds up an op, peering or heartbeat thread (and
 * no caller holds a PG lock across it). Also remembers when the monitors last answered: an OSD cut
 * off from them for osd_mon_contact_grace stops acting as primary.
 */
public final class MonLink {
    private static final Logger LOG = LoggerFactory.getLogger(MonLink.class);

    private final MonClient mon;
    private final ExecutorService executor;
    private final Clock clock;
    private final int me;
    private volatile long lastContactMs;

    public MonLink(MonClient mon, ExecutorService executor, Clock clock, int me) {
        this.mon = mon;
        this.executor = executor;
        this.clock = clock;
        this.me = me;
        this.lastContactMs = clock.monotonicMs();
    }

    public MonClient client() {
        return mon;
    }

    /** When the monitors last answered a call of this OSD's (monotonic ms). */
    public long lastContactMs() {
        return lastContactMs;
    }

    /** A call of this OSD's was answered now. */
    public void contacted() {
        lastContactMs = clock.monotonicMs();
    }

    /** Runs {@code call} on the monitor executor; the future fails with EAGAIN when the OSD is stopping. */
    public <T> CompletableFuture<T> submit(java.util.function.Supplier<T> call) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                T r = call.get();
                contacted();
                return r;
            }, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new CairnException(ErrorCode.EAGAIN, "osd." + me + " is stopping"));
        }
    }

    /** Asks the monitors to record up_thru {@code want} for this OSD (a map that does follows). */
    public CompletableFuture<Void> requestUpThru(int want) {
        return submit(() -> mon.command("osd alive", Map.of("id", Integer.toString(me), "want", Integer.toString(want))))
                .thenAccept(r -> {
                    if (r.getCode() != 0) {
                        LOG.info("up_thru {} not recorded: {}", want, r.getMessage());
                    }
                });
    }

    /** Asks for the PG's pg_temp ({@code acting} empty: drop it). */
    public CompletableFuture<Void> requestPgTemp(String pgid, List<Integer> acting) {
        return submit(() -> mon.command("osd pg-temp", Map.of("pgid", pgid,
                "ids", acting.stream().map(String::valueOf).collect(Collectors.joining(",")))))
                .thenAccept(r -> {
                    if (r.getCode() != 0) {
                        throw new CairnException(ErrorCode.EAGAIN, "pg_temp for " + pgid + " refused: " + r.getMessage());
                    }
                });
    }

    /** A line for the cluster log (DBG, INF, WRN, ERR); best effort. */
    public void clusterLog(String level, String message) {
        submit(() -> mon.command("log", Map.of("level", level, "logtext", message))).whenComplete((r, e) -> {
            if (e != null) {
                LOG.debug("cluster log line not sent: {}", e.toString());
            } else if (r.getCode() != 0) {
                LOG.debug("cluster log line refused: {}", r.getMessage());
            }
        });
    }

    /** {@code reporter} (this OSD) cannot reach {@code target}, or with stillAlive, can again; best effort. */
    public void reportFailure(int target, int epoch, boolean stillAlive, int failedForSec) {
        submit(() -> mon.osdFailure(me, target, epoch, stillAlive, failedForSec)).whenComplete((r, e) -> {
            if (e != null) {
                LOG.debug("failure report for osd.{} not sent: {}", target, e.toString());
            }
        });
    }

    /** A clean stop tells the monitors at once (Ceph's mark-me-down) instead of waiting for reports. */
    public void markMeDown() {
        try {
            CommandReply r = mon.command("osd down", Map.of("ids", Integer.toString(me)));
            if (r.getCode() != 0) {
                LOG.debug("could not mark myself down: {}", r.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.debug("could not mark myself down: {}", e.toString());
        }
    }
}
