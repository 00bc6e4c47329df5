package io.cairn.osd.pg;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.mon.MapFollower;
import io.cairn.common.osdmap.OsdMap;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The OSD's view of the map for request handling: a request from a newer map waits (off the gRPC
 * threads, at most osd_map_wait_timeout) for this OSD to have that map and to have split its
 * copies for the map's pg_nums; then it is answered EAGAIN and the sender retries.
 */
public final class MapGate {
    private final MapFollower maps;
    private final PgRegistry registry;
    private final LongSupplier waitMs;
    private final int me;

    public MapGate(MapFollower maps, PgRegistry registry, LongSupplier waitMs, int me) {
        this.maps = maps;
        this.registry = registry;
        this.waitMs = waitMs;
        this.me = me;
    }

    /** The newest map this OSD has (null only before the first one arrived). */
    public OsdMap current() {
        return maps.map();
    }

    public int epoch() {
        OsdMap m = maps.map();
        return m == null ? 0 : m.epoch();
    }

    /** A map at least as new as {@code epoch}, with this OSD's copies split for it. */
    public OsdMap atLeast(int epoch) {
        long wait = waitMs.getAsLong();
        OsdMap m = maps.map();
        if (m == null || epoch > m.epoch()) {
            if (!maps.awaitEpoch(epoch, Duration.ofMillis(wait))) {
                throw new CairnException(ErrorCode.EAGAIN, "osd." + me + " has not seen epoch " + epoch + " yet");
            }
            m = maps.map();
        }
        registry.awaitSplit(m, wait, me);
        return m;
    }
}
