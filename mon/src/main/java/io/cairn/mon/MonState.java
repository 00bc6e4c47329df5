package io.cairn.mon;

import io.cairn.common.Invariants;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.OsdMapCodec;
import io.cairn.common.osdmap.OsdMapIncremental;
import io.cairn.proto.v1.MonSnapshotData;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The monitors' replicated memory of the OSDMap: the newest map, the oldest kept full map, and
 * every incremental between them, and beside them the newest FsMap, the cluster log, health mutes
 * and the central config database. Epochs only grow; once more than {@code keepEpochs} are held,
 * the oldest are folded into the oldest full map and dropped. Not thread-safe: the state machine
 * guards it.
 */
final class MonState {
    private OsdMap oldestFull;
    private OsdMap current;
    private final NavigableMap<Integer, OsdMapIncremental> incrementals = new TreeMap<>();
    private final ClusterLog log = new ClusterLog();
    private final HealthMutes mutes = new HealthMutes();
    private final ConfigDb config = new ConfigDb();
    /** Only the newest FsMap is kept: nobody asks for an older one. */
    private FsMap fsMap = FsMap.EMPTY;

    FsMap fsMap() {
        return fsMap;
    }

    /** Records the next FsMap epoch. */
    void setFsMap(FsMap next) {
        Invariants.check(next.epoch() == fsMap.epoch() + 1, "fsmap epoch %d does not follow %d", next.epoch(),
                fsMap.epoch());
        fsMap = next;
    }

    ConfigDb config() {
        return config;
    }

    ClusterLog log() {
        return log;
    }

    HealthMutes mutes() {
        return mutes;
    }

    boolean initialized() {
        return current != null;
    }

    OsdMap current() {
        return current;
    }

    int epoch() {
        return current == null ? 0 : current.epoch();
    }

    int oldestEpoch() {
        return oldestFull == null ? 0 : oldestFull.epoch();
    }

    /** Starts the history at epoch 1. */
    void initialize(OsdMap first) {
        Invariants.check(current == null, "cluster initialised twice");
        Invariants.check(first.epoch() == 1, "first map must be epoch 1, was %d", first.epoch());
        oldestFull = first;
        current = first;
    }

    /** Records the next epoch. */
    void append(OsdMap next) {
        Invariants.check(next.epoch() == current.epoch() + 1, "epoch %d does not follow %d", next.epoch(), current.epoch());
        incrementals.put(next.epoch(), OsdMapIncremental.between(current, next));
        current = next;
    }

    /** Drops the oldest epochs beyond the newest {@code keepEpochs}. */
    void trim(int keepEpochs) {
        Invariants.check(keepEpochs >= 1, "keep at least one epoch");
        while (current.epoch() - oldestFull.epoch() + 1 > keepEpochs) {
            OsdMapIncremental next = incrementals.pollFirstEntry().getValue();
            oldestFull = oldestFull.apply(next);
        }
    }

    /** The full map at an epoch still kept, rebuilt from the oldest full map; null if trimmed or future. */
    OsdMap mapAt(int epoch) {
        if (current == null || epoch > current.epoch() || epoch < oldestFull.epoch()) {
            return null;
        }
        if (epoch == current.epoch()) {
            return current;
        }
        OsdMap m = oldestFull;
        for (OsdMapIncremental inc : incrementals.subMap(oldestFull.epoch(), false, epoch, true).values()) {
            m = m.apply(inc);
        }
        return m;
    }

    /** Incrementals after {@code sinceEpoch}, at most {@code max}; empty if none or trimmed. */
    List<OsdMapIncremental> incrementalsSince(int sinceEpoch, int max) {
        List<OsdMapIncremental> out = new ArrayList<>();
        for (OsdMapIncremental inc : incrementals.tailMap(sinceEpoch, false).values()) {
            if (out.size() >= max) {
                break;
            }
            out.add(inc);
        }
        return out;
    }

    /** True if every incremental after {@code epoch} is still kept. */
    boolean hasIncrementalsSince(int epoch) {
        return current != null && epoch >= oldestFull.epoch() && epoch <= current.epoch();
    }

    MonSnapshotData snapshot() {
        MonSnapshotData.Builder b = MonSnapshotData.newBuilder();
        if (oldestFull != null) {
            b.setOldestFull(OsdMapCodec.encode(oldestFull));
            incrementals.values().forEach(i -> b.addIncrementals(OsdMapCodec.encode(i)));
        }
        b.addAllLog(log.all()).addAllMutes(mutes.all());
        b.addAllConfig(config.all()).setConfigVersion(config.version());
        if (fsMap.epoch() > 0) {
            b.setFsmap(fsMap.data());
        }
        return b.build();
    }

    void restore(MonSnapshotData data) {
        incrementals.clear();
        log.restore(data.getLogList());
        mutes.restore(data.getMutesList());
        config.restore(data.getConfigList(), data.getConfigVersion());
        fsMap = FsMap.of(data.getFsmap());
        if (!data.hasOldestFull()) {
            oldestFull = null;
            current = null;
            return;
        }
        oldestFull = OsdMapCodec.decode(data.getOldestFull());
        current = oldestFull;
        data.getIncrementalsList().forEach(d -> {
            OsdMapIncremental inc = OsdMapCodec.decode(d);
            current = current.apply(inc);
            incrementals.put(inc.epoch(), inc);
        });
    }
}
