package io.cairn.mds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.common.time.ManualClock;
import io.cairn.proto.v1.InodeData;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A rank over a backend in memory, with a clock the test moves, reopened over the same pools as a restart would. */
final class RankHarness implements AutoCloseable {
    static final long WAIT_S = 10;

    final MemoryBackend backend = new MemoryBackend();
    final ManualClock clock = new ManualClock(1_700_000_000_000L);
    final MdsOptions opts;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MdsRank rank;
    long clientId = 7;
    long tid;

    RankHarness(MdsOptions opts) {
        this.opts = opts;
        rank = open();
    }

    RankHarness() {
        this(MdsOptions.defaults());
    }

    MdsRank open() {
        return MdsRank.open(backend, 0, opts, clock, registry);
    }

    MemoryJournal journal() {
        return backend.journal(MdsObjects.journal(0));
    }

    CompletableFuture<MdsReply> send(MdsRequest.Builder req) {
        if (req.getTid() == 0) {
            req.setTid(++tid);
        }
        return rank.handle(req.setClientId(clientId).build());
    }

    MdsReply call(MdsRequest.Builder req) {
        return get(send(req));
    }

    InodeData ok(MdsRequest.Builder req) {
        MdsReply r = call(req);
        assertEquals(0, r.getCode(), r.getMessage());
        assertEquals(true, r.getSafe());
        return r.getInode();
    }

    static <T> T get(CompletableFuture<T> f) {
        try {
            return f.get(WAIT_S, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A clean restart: close (flushing the journal), then take the rank again. */
    void restart() {
        rank.close();
        rank = open();
    }

    /** As a crash and failover: a new holder takes the rank while the old one is still running. */
    void takeover() {
        MdsRank old = rank;
        rank = open();
        old.close();
    }

    void tick() {
        get(rank.tick());
    }

    /** Two ticks the backtrace delay apart: what a change asked to be written in the background is written. */
    void tickPastBacktraceDelay() {
        tick();
        clock.advanceMs(MdsRank.BACKTRACE_DELAY_MS);
        tick();
    }

    void flushJournal() {
        get(rank.flushJournal());
    }

    Map<String, String> dump() {
        return get(rank.inspect(c -> {
            NamespaceCheck.verify(c.namespace());
            return CoreHarness.dump(c.namespace());
        }));
    }

    List<Long> dirs() {
        return get(rank.inspect(c -> ReplayTest.RandomWorkload.directories(c.namespace())));
    }

    @Override
    public void close() {
        rank.close();
    }
}
