package io.cairn.mon;

import io.cairn.common.Invariants;
import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.FsMapData;
import io.cairn.proto.v1.MdsDaemonInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The monitors' file-system map (Ceph's FSMap): one immutable epoch of {@link FsMapData}, indexed,
 * and checked on construction so that no inconsistent epoch is ever applied or restored. A new
 * epoch comes from an {@link Edit}. Kept beside the OSDMap with its own epoch (0 = never changed).
 */
final class FsMap {
    /** Ceph's MAX_MDS. */
    static final int RANKS_MAX = 256;
    /** Removed gids remembered, so a late beacon from one is never booted again. */
    static final int REMOVED_GIDS_MAX = 256;
    static final FsMap EMPTY = new FsMap(FsMapData.getDefaultInstance());
    /** Standbys in the order they take ranks: by name, then gid (a restarted name keeps its place). */
    static final Comparator<MdsDaemonInfo> STANDBY_ORDER = Comparator.comparing(MdsDaemonInfo::getName)
            .thenComparingLong(MdsDaemonInfo::getGid);

    private final FsMapData data;
    private final NavigableMap<Integer, Filesystem> filesystems = new TreeMap<>();
    private final NavigableMap<Long, MdsDaemonInfo> daemons = new TreeMap<>();
    private final Set<Long> removed;

    private FsMap(FsMapData data) {
        this.data = data;
        data.getFilesystemsList().forEach(f -> filesystems.put(f.getFscid(), f));
        data.getDaemonsList().forEach(d -> daemons.put(d.getGid(), d));
        removed = Set.copyOf(data.getRemovedGidsList());
        checkConsistent();
    }

    static FsMap of(FsMapData data) {
        return data.equals(FsMapData.getDefaultInstance()) ? EMPTY : new FsMap(data);
    }

    int epoch() {
        return data.getEpoch();
    }

    FsMapData data() {
        return data;
    }

    /** In fscid order (the order they were created). */
    Collection<Filesystem> filesystems() {
        return filesystems.values();
    }

    Filesystem filesystem(int fscid) {
        return filesystems.get(fscid);
    }

    Filesystem filesystem(String name) {
        return named(filesystems.values(), name);
    }

    /** In gid order. */
    Collection<MdsDaemonInfo> daemons() {
        return daemons.values();
    }

    MdsDaemonInfo daemon(long gid) {
        return daemons.get(gid);
    }

    MdsDaemonInfo daemonNamed(String name) {
        return daemons.values().stream().filter(d -> d.getName().equals(name)).findFirst().orElse(null);
    }

    /** Daemons without a rank, in the order they take ranks. */
    List<MdsDaemonInfo> standbys() {
        return daemons.values().stream().filter(d -> d.getRank() < 0).sorted(STANDBY_ORDER).toList();
    }

    /** The daemons holding ranks of {@code fs}, by rank. */
    List<MdsDaemonInfo> holders(Filesystem fs) {
        return new TreeMap<>(fs.getUpMap()).values().stream().map(daemons::get).toList();
    }

    boolean wasRemoved(long gid) {
        return removed.contains(gid);
    }

    /** The file system that uses a pool (metadata or data), or null. */
    Filesystem usingPool(long poolId) {
        for (Filesystem f : filesystems.values()) {
            if (f.getMetadataPool() == poolId || f.getDataPoolsList().contains(poolId)) {
                return f;
            }
        }
        return null;
    }

    /** Ceph's "in" set: ranks that exist, held or failed (a damaged rank is out until repaired). */
    static Set<Integer> inRanks(Filesystem fs) {
        Set<Integer> in = new TreeSet<>(fs.getUpMap().keySet());
        in.addAll(fs.getFailedList());
        return in;
    }

    Edit edit() {
        return new Edit(this);
    }

    private static Filesystem named(Collection<Filesystem> all, String name) {
        return all.stream().filter(f -> f.getName().equals(name)).findFirst().orElse(null);
    }

    /** Every rank holder is listed under its rank, every standby holds nothing, and no rank is two things. */
    private void checkConsistent() {
        Set<String> names = new HashSet<>();
        for (Filesystem f : filesystems.values()) {
            Invariants.check(f.getFscid() > 0 && names.add(f.getName()), "file system %d '%s' repeated or unnumbered",
                    f.getFscid(), f.getName());
            Set<Integer> ranks = new HashSet<>(f.getUpMap().keySet());
            for (int r : f.getFailedList()) {
                Invariants.check(ranks.add(r), "fs %s rank %d both up and failed", f.getName(), r);
            }
            for (int r : f.getDamagedList()) {
                Invariants.check(ranks.add(r), "fs %s rank %d both damaged and up or failed", f.getName(), r);
            }
            f.getUpMap().forEach((rank, gid) -> {
                MdsDaemonInfo d = daemons.get(gid);
                Invariants.check(d != null && d.getRank() == rank && d.getFscid() == f.getFscid(),
                        "fs %s rank %d is held by gid %d, which is not there as that rank", f.getName(), rank, gid);
            });
        }
        names.clear();
        for (MdsDaemonInfo d : daemons.values()) {
            Invariants.check(d.getGid() != 0 && names.add(d.getName()), "mds gid %d name '%s' repeated or gid 0",
                    d.getGid(), d.getName());
            MdsState s = MdsState.of(d);
            if (d.getRank() >= 0) {
                Filesystem f = filesystems.get(d.getFscid());
                Invariants.check(s.holdsRank() && f != null && Long.valueOf(d.getGid()).equals(f.getUpMap().get(d.getRank())),
                        "mds gid %d claims rank %d of fs %d in %s", d.getGid(), d.getRank(), d.getFscid(), d.getState());
            } else {
                Invariants.check(s == MdsState.STANDBY && d.getFscid() == 0 && d.getRank() == -1,
                        "mds gid %d without a rank is %s of fs %d", d.getGid(), d.getState(), d.getFscid());
            }
        }
        Invariants.check(data.getRemovedGidsCount() <= REMOVED_GIDS_MAX, "%d removed gids kept", data.getRemovedGidsCount());
    }

    /**
     * The changes that make the next epoch. Not thread-safe; one command's apply uses one and
     * builds it (or drops it when nothing changed).
     */
    static final class Edit {
        private final FsMap base;
        private final TreeMap<Integer, Filesystem> filesystems;
        private final TreeMap<Long, MdsDaemonInfo> daemons;
        private final ArrayDeque<Long> removed;
        private int nextFscid;

        private Edit(FsMap base) {
            this.base = base;
            filesystems = new TreeMap<>(base.filesystems);
            daemons = new TreeMap<>(base.daemons);
            removed = new ArrayDeque<>(base.data.getRemovedGidsList());
            nextFscid = Math.max(1, base.data.getNextFscid());
        }

        /** The epoch this edit builds. */
        int epoch() {
            return base.epoch() + 1;
        }

        Collection<Filesystem> filesystems() {
            return filesystems.values();
        }

        Filesystem filesystem(int fscid) {
            return filesystems.get(fscid);
        }

        MdsDaemonInfo daemon(long gid) {
            return daemons.get(gid);
        }

        MdsDaemonInfo daemonNamed(String name) {
            return daemons.values().stream().filter(d -> d.getName().equals(name)).findFirst().orElse(null);
        }

        List<MdsDaemonInfo> standbys() {
            return daemons.values().stream().filter(d -> d.getRank() < 0).sorted(STANDBY_ORDER).toList();
        }

        List<MdsDaemonInfo> holders(int fscid) {
            return daemons.values().stream().filter(d -> d.getRank() >= 0 && d.getFscid() == fscid).toList();
        }

        int allocateFscid() {
            return nextFscid++;
        }

        void putFilesystem(Filesystem f) {
            filesystems.put(f.getFscid(), f);
        }

        void removeFilesystem(int fscid) {
            Invariants.check(holders(fscid).isEmpty(), "fs %d removed while daemons hold its ranks", fscid);
            filesystems.remove(fscid);
        }

        void putDaemon(MdsDaemonInfo d) {
            daemons.put(d.getGid(), d);
        }

        /** Takes a daemon out (Ceph's FSMap::erase): the rank it held is failed, waiting for a standby. */
        void removeDaemon(long gid) {
            remove(gid, false);
        }

        /** Takes a rank holder out and marks its rank damaged: no standby takes it until {@code mds repaired}. */
        void removeDaemonDamaged(long gid) {
            remove(gid, true);
        }

        private void remove(long gid, boolean damaged) {
            MdsDaemonInfo d = daemons.remove(gid);
            Invariants.check(d != null, "removing mds gid %d, which is not in the map", gid);
            if (d.getRank() >= 0) {
                Filesystem f = filesystems.get(d.getFscid());
                TreeSet<Integer> failed = new TreeSet<>(f.getFailedList());
                TreeSet<Integer> damagedRanks = new TreeSet<>(f.getDamagedList());
                (damaged ? damagedRanks : failed).add(d.getRank());
                filesystems.put(f.getFscid(), f.toBuilder().removeUp(d.getRank()).clearFailed().addAllFailed(failed)
                        .clearDamaged().addAllDamaged(damagedRanks).build());
            } else {
                Invariants.check(!damaged, "a standby cannot damage a rank");
            }
            removed.addLast(gid);
            while (removed.size() > REMOVED_GIDS_MAX) {
                removed.removeFirst();
            }
        }

        /** A standby takes a rank: it replays the rank's journal first (Ceph's FSMap::promote). */
        void assign(long gid, int fscid, int rank, long nowMs) {
            MdsDaemonInfo d = daemons.get(gid);
            Filesystem f = filesystems.get(fscid);
            Invariants.check(d != null && d.getRank() < 0 && f != null && !f.containsUp(rank)
                    && !f.getDamagedList().contains(rank), "cannot give rank %d of fs %d to gid %d", rank, fscid, gid);
            daemons.put(gid, d.toBuilder().setState(MdsState.REPLAY.cephName()).setRank(rank).setFscid(fscid)
                    .setUpEpoch(epoch()).setStateSinceMs(nowMs).build());
            List<Integer> failed = new ArrayList<>(f.getFailedList());
            failed.remove(Integer.valueOf(rank));
            filesystems.put(fscid, f.toBuilder().putUp(rank, gid).clearFailed().addAllFailed(failed).build());
        }

        boolean changed() {
            return !filesystems.equals(base.filesystems) || !daemons.equals(base.daemons)
                    || nextFscid != Math.max(1, base.data.getNextFscid());
        }

        /** The next epoch: file systems that changed record it and the proposer's clock. */
        FsMap build(long nowMs) {
            Invariants.check(changed(), "building epoch %d that changes nothing", epoch());
            FsMapData.Builder b = FsMapData.newBuilder().setEpoch(epoch()).setNextFscid(nextFscid)
                    .addAllDaemons(daemons.values()).addAllRemovedGids(removed);
            for (Map.Entry<Integer, Filesystem> e : filesystems.entrySet()) {
                Filesystem f = e.getValue();
                if (!f.equals(base.filesystems.get(e.getKey()))) {
                    f = f.toBuilder().setModifiedEpoch(epoch()).setModifiedMs(nowMs).build();
                }
                b.addFilesystems(f);
            }
            return new FsMap(b.build());
        }
    }
}
