package io.cairn.common.config;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.Invariants;
import io.cairn.common.cli.Json;
import io.cairn.common.mon.MapFollower;
import io.cairn.common.mon.MonClient;
import io.cairn.common.time.Pause;
import io.cairn.proto.v1.CommandReply;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a daemon's {@link CairnConfig} in step with the monitors' central config database.
 * {@link #start} fetches the entity's values once, before the daemon builds anything, so even
 * options that cannot change at runtime take them. Afterwards the monitors' map subscription
 * carries the database version ({@link #follow}); when it grows, the values are fetched again on
 * this follower's own thread (never the map follower's) and applied: runtime options at once, the
 * rest recorded as needing a restart. Fetches are coalesced — one in flight, then one more if the
 * version moved meanwhile — and a failed fetch is retried after {@link #RETRY_MS}, so a burst of
 * changes or an unreachable quorum costs one request per second at most.
 */
public final class ConfigFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFollower.class);
    static final long RETRY_MS = 1000;
    private static final long START_RETRY_MS = 300;
    private static final int START_ATTEMPTS_MAX = 100;

    /** Where the values come from: the monitors, or (in a monitor) its own replicated state. */
    public interface Source {
        /** The values for {@code entity}; throws (e.g. {@link CairnException}) when unreachable. */
        CentralValues fetch(String entity);
    }

    private final CairnConfig config;
    private final Source source;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "config-follower");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong wanted = new AtomicLong(-1);
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile long applied = -1;
    private volatile boolean closed;

    public ConfigFollower(CairnConfig config, Source source) {
        this.config = config;
        this.source = source;
    }

    /** A follower of the monitors {@code mon} talks to (the {@code config fetch} command). */
    public static ConfigFollower overMonitors(CairnConfig config, MonClient mon) {
        return new ConfigFollower(config, entity -> fetchFrom(mon, entity));
    }

    static CentralValues fetchFrom(MonClient mon, String entity) {
        CommandReply r = mon.command("config fetch", Map.of("who", entity));
        if (r.getCode() != 0) {
            throw new CairnException(ErrorCode.of(r.getCode()), r.getMessage());
        }
        return parse(r.getOutputJson());
    }

    /** The JSON {@code config fetch} answers: {"version": N, "values": {"name": "value", ...}}. */
    static CentralValues parse(String json) {
        Object parsed = Json.parse(json);
        if (!(parsed instanceof Map<?, ?> m) || !(m.get("version") instanceof Long v)
                || !(m.get("values") instanceof Map<?, ?> values)) {
            throw new CairnException(ErrorCode.EIO, "unreadable config fetch reply");
        }
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, val) -> out.put(String.valueOf(k), String.valueOf(val)));
        return new CentralValues(v, out);
    }

    /**
     * Fetches and applies the values as start-up values, waiting up to {@code timeout} for the
     * monitors; if they do not answer, the daemon starts with its file and command line (and
     * follows the database once it is reachable). Call it before building the daemon's parts.
     */
    public ConfigFollower start(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int attempt = 0; attempt < START_ATTEMPTS_MAX && !closed; attempt++) {
            try {
                apply(source.fetch(config.entity()), true);
                config.freeze();
                return this;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    LOG.warn("{}: no central config from the monitors ({}); starting with file and command line",
                            config.entity(), e.getMessage());
                    break;
                }
                Pause.ms(START_RETRY_MS);
            }
        }
        config.freeze();
        versionSeen(0);
        return this;
    }

    /** Follows the database version the map subscription carries. */
    public ConfigFollower follow(MapFollower maps) {
        maps.addConfigVersionListener(this::versionSeen);
        long v = maps.configVersion();
        if (v >= 0) {
            versionSeen(v);
        }
        return this;
    }

    /** The monitors have database {@code version}: fetch it unless it is applied. Never blocks. */
    public void versionSeen(long version) {
        wanted.accumulateAndGet(version, Math::max);
        if (version > applied) {
            schedule(0);
        }
    }

    /** The database version applied (-1 before the first). */
    public long applied() {
        return applied;
    }

    private void schedule(long delayMs) {
        if (closed || !scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.schedule(this::fetch, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            scheduled.set(false);
        }
    }

    private void fetch() {
        scheduled.set(false);
        long want = wanted.get();
        if (closed || applied >= want) {
            return;
        }
        try {
            apply(source.fetch(config.entity()), false);
        } catch (RuntimeException e) {
            LOG.debug("{}: config fetch failed, retrying: {}", config.entity(), e.toString());
        }
        if (applied < wanted.get()) {
            // failed, or the monitor that answered was behind the one that announced the version
            schedule(RETRY_MS);
        }
    }

    private void apply(CentralValues v, boolean atStartup) {
        Invariants.check(v != null, "a config source returned nothing");
        if (v.version() < applied) {
            return;
        }
        var changed = config.applyMon(v.version(), v.values(), atStartup);
        applied = v.version();
        if (!changed.isEmpty()) {
            LOG.info("{}: central config v{} changed {}", config.entity(), v.version(), changed);
        }
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
    }
}
