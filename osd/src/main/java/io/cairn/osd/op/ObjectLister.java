package io.cairn.osd.op;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.Placement;
import io.cairn.common.osdmap.Pool;
import io.cairn.common.time.Clock;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ListPage;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.osd.pg.ListCursor;
import io.cairn.osd.pg.MapGate;
import io.cairn.osd.pg.ObjectIds;
import io.cairn.osd.pg.PgCopies;
import io.cairn.osd.pg.PgRegistry;
import io.cairn.proto.v1.AdminReadReply;
import io.cairn.proto.v1.AdminReadRequest;
import io.cairn.proto.v1.ListEntry;
import io.cairn.proto.v1.ListReply;
import io.cairn.proto.v1.ListRequest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads of a PG's object set and of this OSD's own copies: a listing page from the primary (or,
 * for recovery, from any member's own copy), and the admin read tests and tools use.
 */
public final class ObjectLister {
    /** Entries in one listing page at most. */
    public static final int LIST_MAX = 1000;
    /** Store pages one listing call reads at most (namespaces filtered out can make pages sparse). */
    private static final int STORE_PAGES_MAX = 100;

    private final MapGate maps;
    private final PgRegistry registry;
    private final ObjectStore store;
    private final MissingObjects missing;
    private final OpRunner runner;
    private final Clock clock;
    private final int me;

    public ObjectLister(MapGate maps, PgRegistry registry, ObjectStore store, MissingObjects missing, OpRunner runner,
                        Clock clock, int me) {
        this.maps = maps;
        this.registry = registry;
        this.store = store;
        this.missing = missing;
        this.runner = runner;
        this.clock = clock;
        this.me = me;
    }

    public ListReply list(ListRequest req) {
        OsdMap map = maps.atLeast(req.getEpoch());
        PgId pg = new PgId(req.getPool(), req.getSeed());
        if (map.pool(pg.pool()) == null) {
            throw CairnException.notFound("pool " + pg.pool() + " does not exist");
        }
        if (map.isBlocklisted(req.getAddr(), clock.wallMs())) {
            // a listing is a read of the PG, fenced like the client's other ops (an OSD's own carries no address)
            return ListReply.newBuilder().setCode(ErrorCode.EBLOCKLISTED.code()).setEpoch(map.epoch())
                    .setMessage("client " + req.getAddr() + " is blocklisted").build();
        }
        if (!req.getMember() && map.mapPg(pg).actingPrimary() != me) {
            return ListReply.newBuilder().setCode(ErrorCode.ESTALE.code()).setEpoch(map.epoch())
                    .setMessage("not the primary of " + pg).build();
        }
        if (!req.getMember() && missing.primaryLacksAny(pg)) {
            // its own copy is still incomplete: a listing now could miss objects or show removed ones
            return ListReply.newBuilder().setCode(ErrorCode.EAGAIN.code()).setEpoch(map.epoch())
                    .setMessage("pg " + pg + " is recovering objects of its primary").build();
        }
        registry.ensureCollection(pg, map);
        CollectionId coll = CollectionId.of(pg.toString());
        Optional<ObjectId> after = req.getCursor().isEmpty() ? Optional.empty()
                : Optional.of(ListCursor.decode(req.getCursor()));
        int max = req.getMax() <= 0 ? LIST_MAX : Math.min(req.getMax(), LIST_MAX);
        ListReply.Builder b = ListReply.newBuilder().setEpoch(map.epoch());
        boolean snaps = map.pool(pg.pool()).snapSeq() > 0;
        for (int pages = 0; b.getEntriesCount() < max && pages < STORE_PAGES_MAX; pages++) {
            ListPage page = store.list(coll, after, max);
            for (ObjectId o : page.objects()) {
                // clones travel with their head; a whiteout is a removed object to a client, not to recovery
                if (ObjectIds.isClientObject(o) && o.snap() == ObjectId.HEAD
                        && (req.getAllNamespaces() || o.namespace().equals(req.getNspace()))
                        && (req.getMember() || !snaps || runner.visible(coll, o))) {
                    String key = store.getAttr(coll, o, PgCopies.KEY_ATTR)
                            .map(k -> new String(k, StandardCharsets.UTF_8)).orElse("");
                    b.addEntries(ListEntry.newBuilder().setName(o.name()).setNspace(o.namespace()).setKey(key));
                }
            }
            if (page.next().isEmpty() || page.objects().isEmpty()) {
                after = Optional.empty();
                break;
            }
            after = Optional.of(page.objects().get(page.objects().size() - 1));
        }
        after.ifPresent(o -> b.setNextCursor(ListCursor.encode(o)));
        return b.build();
    }

    /** This OSD's own copy of an object, whatever its role (for tests and tools). */
    public AdminReadReply adminRead(AdminReadRequest req) {
        OsdMap map = maps.current();
        Pool pool = map.pool(req.getOloc().getPool());
        if (pool == null) {
            throw CairnException.notFound("pool does not exist");
        }
        PgId pg = Placement.objectPg(pool, req.getOloc().getName(), req.getOloc().getNspace(), req.getOloc().getKey());
        CollectionId coll = CollectionId.of(pg.toString());
        ObjectId oid = ObjectIds.objectId(req.getOloc());
        AdminReadReply.Builder b = AdminReadReply.newBuilder().setPgid(pg.toString());
        if (!store.collectionExists(coll) || !store.exists(coll, oid)) {
            return b.setCode(ErrorCode.ENOENT.code()).build();
        }
        long size = store.stat(coll, oid).sizeBytes();
        byte[] data = size == 0 ? new byte[0] : store.read(coll, oid, 0, size);
        return b.setData(com.google.protobuf.UnsafeByteOperations.unsafeWrap(data))
                .setVersion(runner.version(coll, oid)).build();
    }
}
