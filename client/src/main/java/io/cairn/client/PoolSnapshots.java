package io.cairn.client;

import io.cairn.common.ErrorCode;
import io.cairn.common.mon.MapFollower;
import io.cairn.common.mon.MonClient;
import io.cairn.common.osdmap.Pool;
import io.cairn.common.osdmap.PoolSnap;
import io.cairn.proto.v1.CommandReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pool's snapshots as librados offers them: pool snaps by name and self-managed snap ids. Each
 * change is a monitor command; it returns once this client's map has the change, so the next op
 * already sees the new snap_seq. Reads come from the client's newest map.
 */
final class PoolSnapshots {
    private static final Duration MAP_WAIT = Duration.ofSeconds(30);
    private final MonClient mon;
    private final MapFollower maps;
    private final String poolName;

    PoolSnapshots(MonClient mon, MapFollower maps, String poolName) {
        this.mon = mon;
        this.maps = maps;
        this.poolName = poolName;
    }

    private CommandReply change(String prefix, Map<String, String> args) {
        CommandReply r = mon.command(prefix, args);
        if (r.getCode() != 0) {
            throw RadosException.of(ErrorCode.of(r.getCode()), r.getMessage());
        }
        if (r.getEpoch() > 0 && !maps.awaitEpoch(r.getEpoch(), MAP_WAIT)) {
            throw RadosException.of(ErrorCode.ETIMEDOUT, "the map of epoch " + r.getEpoch() + " did not arrive");
        }
        return r;
    }

    Pool pool() {
        Pool p = maps.map().pool(poolName);
        if (p == null) {
            throw new RadosException.NotFound("pool '" + poolName + "' does not exist");
        }
        return p;
    }

    long selfManagedCreate() {
        return Long.parseLong(change("osd pool selfmanaged-snap create", Map.of("pool", poolName)).getOutputPlain().strip());
    }

    void selfManagedRemove(long snapId) {
        change("osd pool selfmanaged-snap rm", Map.of("pool", poolName, "snapid", Long.toString(snapId)));
    }

    void create(String name) {
        change("osd pool mksnap", Map.of("pool", poolName, "snap", name));
    }

    void remove(String name) {
        lookup(name);
        change("osd pool rmsnap", Map.of("pool", poolName, "snap", name));
    }

    long lookup(String name) {
        PoolSnap s = pool().snap(name);
        if (s == null) {
            throw new RadosException.NotFound("snap '" + name + "' does not exist in pool " + poolName);
        }
        return s.id();
    }

    List<Long> list() {
        return new ArrayList<>(pool().snaps().keySet());
    }

    PoolSnap get(long snapId) {
        PoolSnap s = pool().snaps().get(snapId);
        if (s == null) {
            throw new RadosException.NotFound("snap " + snapId + " does not exist in pool " + poolName);
        }
        return s;
    }
}
