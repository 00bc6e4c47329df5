package io.cairn.mds;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.Futures;
import io.cairn.proto.v1.DentryData;
import io.cairn.proto.v1.InodeData;
import io.cairn.proto.v1.MdsDentryChange;
import io.cairn.proto.v1.MdsInoTable;
import io.cairn.proto.v1.MdsMetaBlob;
import io.cairn.proto.v1.MdsPurgeItem;
import io.cairn.proto.v1.MdsSessionRecord;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a rank reads from the metadata pool when it takes over, blocking: the root inode and the
 * inode table (made the first time, on an empty pool), the session map and purge queue, the
 * directories replayed events touch (each before its first event, so the event lands on what
 * the object held), and at the end every directory reachable from the root. The whole
 * namespace is cached; a bounded cache would fetch directories on demand instead.
 */
final class RankLoader {
    private static final Logger LOG = LoggerFactory.getLogger(RankLoader.class);
    static final int OMAP_PAGE_MAX = 1024;
    static final int DIR_FETCHES_IN_FLIGHT_MAX = 32;
    /** Pages read from one omap at most: 2^32 entries, far beyond any directory a rank can cache. */
    private static final int OMAP_PAGES_MAX = 1 << 22;

    private final PoolIo meta;
    private final int rank;

    RankLoader(PoolIo meta, int rank) {
        this.meta = meta;
        this.rank = rank;
    }

    /** The root and inode table as stored, made first on a pool that has neither. */
    Namespace loadOrCreate(long nowMs) {
        Optional<byte[]> table = Futures.join(meta.read(MdsObjects.inoTable(rank)));
        Optional<byte[]> root = Futures.join(meta.read(MdsObjects.rootInode()));
        if (table.isEmpty()) {
            if (root.isPresent() && rank != 0) {
                LOG.info("mds rank {}: no inode table yet; starting one", rank);
            } else {
                LOG.info("mds rank {}: the metadata pool holds no file system; creating its root", rank);
                root = Optional.of(mkfs(nowMs));
            }
            Futures.join(meta.writeFull(MdsObjects.inoTable(rank), MdsInoTable.newBuilder()
                    .setNextIno(MdsObjects.firstIno(rank)).build().toByteArray()));
            table = Futures.join(meta.read(MdsObjects.inoTable(rank)));
        } else if (root.isEmpty()) {
            throw new CairnException(ErrorCode.EIO, "MDS_DAMAGE: the inode table exists but the root inode "
                    + MdsObjects.rootInode() + " does not");
        }
        InodeData rootInode = parse(root.get(), InodeData.parser(), MdsObjects.rootInode());
        MdsInoTable t = parse(table.orElseThrow(), MdsInoTable.parser(), MdsObjects.inoTable(rank));
        Namespace ns = new Namespace(rootInode, Math.max(t.getNextIno(), MdsObjects.firstIno(rank)));
        ns.installDir(MdsObjects.ROOT_INO, fetchDir(MdsObjects.ROOT_INO));
        return ns;
    }

    /** The root directory's object, then the root inode (whose presence says the file system exists). */
    private byte[] mkfs(long nowMs) {
        InodeData root = Inodes.newDir(MdsObjects.ROOT_INO, 0755, 0, 0, nowMs);
        Futures.join(meta.omapUpdate(MdsObjects.dir(MdsObjects.ROOT_INO), Map.of(), List.of()));
        Futures.join(meta.writeFull(MdsObjects.rootInode(), root.toByteArray()));
        return root.toByteArray();
    }

    void loadSessions(SessionTable sessions) {
        for (byte[] v : readOmap(MdsObjects.sessionMap(rank)).values()) {
            sessions.install(parse(v, MdsSessionRecord.parser(), MdsObjects.sessionMap(rank)));
        }
    }

    void loadPurges(PurgeQueue purges) {
        for (byte[] v : readOmap(MdsObjects.purgeQueue(rank)).values()) {
            purges.install(parse(v, MdsPurgeItem.parser(), MdsObjects.purgeQueue(rank)));
        }
    }

    /** Loads the directories a replayed event changes that are not in the cache yet. */
    void ensureDirs(Namespace ns, MdsMetaBlob blob) {
        Set<Long> want = new LinkedHashSet<>(blob.getCreatedDirsList());
        for (MdsDentryChange c : blob.getDentriesList()) {
            want.add(c.getDirIno());
        }
        for (long ino : want) {
            if (!ns.hasDir(ino)) {
                ns.installDir(ino, fetchDir(ino));
            }
        }
    }

    /** Loads every directory reachable from the root that is not in the cache, a wave of fetches per level. */
    void loadReachable(Namespace ns) {
        List<Long> wave = missingChildren(ns, List.of(MdsObjects.ROOT_INO), new LinkedHashSet<>());
        Set<Long> visited = new LinkedHashSet<>(List.of(MdsObjects.ROOT_INO));
        while (!wave.isEmpty()) {
            for (int i = 0; i < wave.size(); i += DIR_FETCHES_IN_FLIGHT_MAX) {
                List<Long> batch = wave.subList(i, Math.min(wave.size(), i + DIR_FETCHES_IN_FLIGHT_MAX));
                List<CompletableFuture<SortedMap<String, DentryData>>> fetches = new ArrayList<>();
                for (long ino : batch) {
                    fetches.add(fetchDirAsync(ino));
                }
                for (int j = 0; j < batch.size(); j++) {
                    ns.installDir(batch.get(j), Futures.join(fetches.get(j)));
                }
            }
            wave = missingChildren(ns, wave, visited);
        }
    }

    /**
     * Directories below {@code parents}, walking down through those already cached, that are not
     * cached yet. Every directory is visited once.
     */
    private static List<Long> missingChildren(Namespace ns, List<Long> parents, Set<Long> visited) {
        List<Long> missing = new ArrayList<>();
        List<Long> todo = new ArrayList<>(parents);
        while (!todo.isEmpty()) {
            long ino = todo.remove(todo.size() - 1);
            DirFrag d = ns.dir(ino);
            if (d == null) {
                continue;
            }
            for (DentryData e : d.entries.values()) {
                if (e.hasPrimary() && Inodes.isDir(e.getPrimary()) && visited.add(e.getPrimary().getIno())) {
                    if (ns.hasDir(e.getPrimary().getIno())) {
                        todo.add(e.getPrimary().getIno());
                    } else {
                        missing.add(e.getPrimary().getIno());
                    }
                }
            }
        }
        return missing;
    }

    SortedMap<String, DentryData> fetchDir(long ino) {
        return Futures.join(fetchDirAsync(ino));
    }

    /** A directory's dentries; none when its object does not exist yet (made by an event not written back). */
    CompletableFuture<SortedMap<String, DentryData>> fetchDirAsync(long ino) {
        String oid = MdsObjects.dir(ino);
        return readOmapAsync(oid, "", new TreeMap<>(Names.ORDER), 0).thenApply(raw -> {
            SortedMap<String, DentryData> out = new TreeMap<>(Names.ORDER);
            raw.forEach((k, v) -> out.put(k, parse(v, DentryData.parser(), oid + " key " + k)));
            return out;
        });
    }

    private SortedMap<String, byte[]> readOmap(String oid) {
        return Futures.join(readOmapAsync(oid, "", new TreeMap<>(Names.ORDER), 0));
    }

    private CompletableFuture<SortedMap<String, byte[]>> readOmapAsync(String oid, String after,
            SortedMap<String, byte[]> into, int pages) {
        if (pages >= OMAP_PAGES_MAX) {
            return CompletableFuture.failedFuture(new CairnException(ErrorCode.EIO, "object " + oid + ": more than "
                    + OMAP_PAGES_MAX + " omap pages"));
        }
        return meta.omapPage(oid, after, OMAP_PAGE_MAX).thenCompose(p -> {
            into.putAll(p.entries());
            if (!p.more() || p.entries().isEmpty()) {
                return CompletableFuture.completedFuture(into);
            }
            return readOmapAsync(oid, p.entries().lastKey(), into, pages + 1);
        });
    }

    static <T> T parse(byte[] data, com.google.protobuf.Parser<T> parser, String what) {
        try {
            return parser.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new CairnException(ErrorCode.EIO, "MDS_DAMAGE: " + what + " does not decode: " + e.getMessage());
        }
    }
}
