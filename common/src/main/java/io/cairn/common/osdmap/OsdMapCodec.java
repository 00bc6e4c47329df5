package io.cairn.common.osdmap;

import io.cairn.proto.v1.BlocklistEntry;
import io.cairn.proto.v1.OsdEntry;
import io.cairn.proto.v1.OsdMapData;
import io.cairn.proto.v1.OsdMapIncrementalData;
import io.cairn.proto.v1.PgTempEntry;
import io.cairn.proto.v1.PgUpmapItemsEntry;
import io.cairn.proto.v1.PoolEntry;
import io.cairn.proto.v1.UpmapPair;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** Converts maps and incrementals to and from their protobuf form (wire and disk). */
public final class OsdMapCodec {
    private OsdMapCodec() {}

    public static OsdMapData encode(OsdMap m) {
        OsdMapData.Builder b = OsdMapData.newBuilder().setEpoch(m.epoch()).setFsid(m.fsid())
                .setCreatedMs(m.createdMs()).setModifiedMs(m.modifiedMs()).setMaxOsd(m.maxOsd())
                .setPoolMax(m.poolMax()).setCrushText(m.crushText()).setFlags(m.flags());
        m.osds().values().forEach(o -> b.addOsds(encode(o)));
        m.pools().values().forEach(p -> b.addPools(encode(p)));
        m.pgTemp().forEach((pg, l) -> b.addPgTemp(pgTemp(pg, l)));
        m.upmapItems().forEach((pg, l) -> b.addPgUpmapItems(upmap(pg, l)));
        m.blocklist().forEach((addr, until) -> b.addBlocklist(blocklistEntry(addr, until)));
        return b.build();
    }

    public static OsdMap decode(OsdMapData d) {
        SortedMap<Integer, OsdInfo> osds = new TreeMap<>();
        d.getOsdsList().forEach(o -> osds.put(o.getId(), decode(o)));
        SortedMap<Long, Pool> pools = new TreeMap<>();
        d.getPoolsList().forEach(p -> pools.put(p.getId(), decode(p)));
        return new OsdMap(d.getEpoch(), d.getFsid(), d.getCreatedMs(), d.getModifiedMs(), d.getMaxOsd(), osds, pools,
                d.getPoolMax(), d.getCrushText(), null, pgTemps(d.getPgTempList()), upmaps(d.getPgUpmapItemsList()),
                d.getFlags(), blocklist(d.getBlocklistList()));
    }

    public static OsdMapIncrementalData encode(OsdMapIncremental i) {
        OsdMapIncrementalData.Builder b = OsdMapIncrementalData.newBuilder().setEpoch(i.epoch()).setFsid(i.fsid())
                .setModifiedMs(i.modifiedMs());
        if (i.newMaxOsd() != null) {
            b.setNewMaxOsd(i.newMaxOsd());
        }
        i.newOsds().forEach(o -> b.addNewOsds(encode(o)));
        i.newPools().forEach(p -> b.addNewPools(encode(p)));
        b.addAllRemovedPools(i.removedPools());
        if (i.newPoolMax() != null) {
            b.setNewPoolMax(i.newPoolMax());
        }
        if (i.newCrushText() != null) {
            b.setNewCrushText(i.newCrushText());
        }
        i.newPgTemp().forEach((pg, l) -> b.addNewPgTemp(pgTemp(pg, l)));
        i.newUpmapItems().forEach((pg, l) -> b.addNewPgUpmapItems(upmap(pg, l)));
        if (i.newFlags() != null) {
            b.setNewFlags(i.newFlags());
        }
        i.newBlocklist().forEach((addr, until) -> b.addNewBlocklist(blocklistEntry(addr, until)));
        b.addAllOldBlocklist(i.oldBlocklist());
        return b.build();
    }

    public static OsdMapIncremental decode(OsdMapIncrementalData d) {
        List<OsdInfo> osds = new ArrayList<>();
        d.getNewOsdsList().forEach(o -> osds.add(decode(o)));
        List<Pool> pools = new ArrayList<>();
        d.getNewPoolsList().forEach(p -> pools.add(decode(p)));
        return new OsdMapIncremental(d.getEpoch(), d.getFsid(), d.getModifiedMs(),
                d.hasNewMaxOsd() ? d.getNewMaxOsd() : null, osds, pools, d.getRemovedPoolsList(),
                d.hasNewPoolMax() ? d.getNewPoolMax() : null, d.hasNewCrushText() ? d.getNewCrushText() : null,
                pgTemps(d.getNewPgTempList()), upmaps(d.getNewPgUpmapItemsList()),
                d.hasNewFlags() ? d.getNewFlags() : null, blocklist(d.getNewBlocklistList()), d.getOldBlocklistList());
    }

    private static OsdEntry encode(OsdInfo o) {
        return OsdEntry.newBuilder().setId(o.id()).setUuid(o.uuid()).setExists(o.exists()).setUp(o.up())
                .setIn(o.in()).setWeight(o.weight()).setAddress(o.address()).setUpFrom(o.upFrom())
                .setUpThru(o.upThru()).setDownAt(o.downAt()).setDownStampMs(o.downStampMs()).setHost(o.host())
                .setAutoOut(o.autoOut()).setDestroyed(o.destroyed()).build();
    }

    private static OsdInfo decode(OsdEntry e) {
        if (e.getWeight() > OsdInfo.WEIGHT_IN) {
            throw new IllegalArgumentException("osd." + e.getId() + " reweight out of range");
        }
        return new OsdInfo(e.getId(), e.getUuid(), e.getExists(), e.getUp(), e.getWeight(), e.getAddress(),
                e.getUpFrom(), e.getUpThru(), e.getDownAt(), e.getDownStampMs(), e.getHost(), e.getAutoOut(),
                e.getDestroyed());
    }

    private static PoolEntry encode(Pool p) {
        PoolEntry.Builder b = PoolEntry.newBuilder().setId(p.id()).setName(p.name()).setType(p.type()).setSize(p.size())
                .setMinSize(p.minSize()).setPgNum(p.pgNum()).setPgpNum(p.pgpNum()).setCrushRule(p.crushRule())
                .setFlags(p.flags()).setSnapSeq(p.snapSeq()).setCreatedEpoch(p.createdEpoch());
        for (PoolSnap s : p.snaps().values()) {
            b.addSnaps(io.cairn.proto.v1.PoolSnapEntry.newBuilder().setId(s.id()).setName(s.name())
                    .setStampMs(s.stampMs()));
        }
        p.removedSnapsQueue().runs().forEach((start, len) -> b.addRemovedSnapsQueue(
                io.cairn.proto.v1.SnapInterval.newBuilder().setStart(start).setLength(len)));
        p.purgedSnaps().runs().forEach((start, len) -> b.addPurgedSnaps(
                io.cairn.proto.v1.SnapInterval.newBuilder().setStart(start).setLength(len)));
        return b.build();
    }

    private static Pool decode(PoolEntry e) {
        java.util.TreeMap<Long, PoolSnap> snaps = new java.util.TreeMap<>();
        for (io.cairn.proto.v1.PoolSnapEntry s : e.getSnapsList()) {
            snaps.put(s.getId(), new PoolSnap(s.getId(), s.getName(), s.getStampMs()));
        }
        return new Pool(e.getId(), e.getName(), e.getType(), e.getSize(), e.getMinSize(), e.getPgNum(), e.getPgpNum(),
                e.getCrushRule(), e.getFlags(), e.getSnapSeq(), e.getCreatedEpoch(), snaps,
                intervals(e.getRemovedSnapsQueueList()), intervals(e.getPurgedSnapsList()));
    }

    private static SnapIntervals intervals(List<io.cairn.proto.v1.SnapInterval> runs) {
        java.util.Map<Long, Long> m = new java.util.TreeMap<>();
        runs.forEach(i -> m.put(i.getStart(), i.getLength()));
        return SnapIntervals.of(m);
    }

    private static PgTempEntry pgTemp(PgId pg, List<Integer> osds) {
        return PgTempEntry.newBuilder().setPool(pg.pool()).setSeed(pg.seed()).addAllOsds(osds).build();
    }

    private static PgUpmapItemsEntry upmap(PgId pg, List<OsdMap.UpmapPair> items) {
        PgUpmapItemsEntry.Builder b = PgUpmapItemsEntry.newBuilder().setPool(pg.pool()).setSeed(pg.seed());
        items.forEach(p -> b.addItems(UpmapPair.newBuilder().setFrom(p.from()).setTo(p.to())));
        return b.build();
    }

    private static BlocklistEntry blocklistEntry(String addr, long untilMs) {
        return BlocklistEntry.newBuilder().setAddr(addr).setUntilMs(untilMs).build();
    }

    private static SortedMap<String, Long> blocklist(List<BlocklistEntry> entries) {
        SortedMap<String, Long> m = new TreeMap<>();
        for (BlocklistEntry e : entries) {
            if (e.getAddr().isEmpty()) {
                throw new IllegalArgumentException("blocklist entry without an address");
            }
            m.put(e.getAddr(), e.getUntilMs());
        }
        return m;
    }

    private static SortedMap<PgId, List<Integer>> pgTemps(List<PgTempEntry> entries) {
        SortedMap<PgId, List<Integer>> m = new TreeMap<>();
        entries.forEach(e -> m.put(new PgId(e.getPool(), e.getSeed()), List.copyOf(e.getOsdsList())));
        return m;
    }

    private static SortedMap<PgId, List<OsdMap.UpmapPair>> upmaps(List<PgUpmapItemsEntry> entries) {
        SortedMap<PgId, List<OsdMap.UpmapPair>> m = new TreeMap<>();
        entries.forEach(e -> m.put(new PgId(e.getPool(), e.getSeed()),
                e.getItemsList().stream().map(p -> new OsdMap.UpmapPair(p.getFrom(), p.getTo())).toList()));
        return m;
    }
}
