package io.cairn.mds.daemon;

import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.MdsHealthMetric;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** What the daemon shell needs of a rank it holds: answers to requests, periodic upkeep, health. */
interface RankServer extends AutoCloseable {
    /**
     * Completes with the reply once the change is safe in the journal; a change is answered early
     * through {@code early} first (applied and appended, not yet flushed). Never blocks the caller.
     */
    CompletableFuture<MdsReply> handle(MdsRequest request, Consumer<MdsReply> early);

    /** Writeback, journal expiry and trimming, purges: called every second on the daemon's own thread. */
    void tick();

    List<MdsHealthMetric> health();

    /** Journals that a client's session opened or ended (completes once flushed). */
    CompletableFuture<Void> journalSession(long clientId, String addr, boolean open);

    /** The clients whose sessions were open when the journal ends: whom up:reconnect waits for. */
    CompletableFuture<Map<Long, String>> openSessions();

    /** Completes with the reason once the rank can no longer serve (its journal was fenced by a newer holder). */
    CompletableFuture<Throwable> failure();

    @Override
    void close();

    /** Takes a rank over (fences the previous holder, replays its journal); blocking, on a worker thread. */
    interface Opener {
        RankServer open(Filesystem fs, int rank) throws Exception;
    }
}
