package io.cairn.osd.scrub;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ListPage;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.ObjectStoreException;
import io.cairn.objectstore.OmapPage;
import io.cairn.objectstore.OmapQuery;
import io.cairn.osd.op.OpRunner;
import io.cairn.osd.pg.PgCopies;
import io.cairn.proto.v1.ScrubObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * One member's summary of the client objects in (startAfter, end] of its copy of a PG: sizes,
 * xattr and omap-header digests, and for a deep scrub crc32c digests of data and omap, read
 * through the store so its own block checksums are verified too (a failure is a read error).
 */
public final class ScrubMapBuilder {
    private static final int PAGE = 256;
    /** A member may hold more objects in the range than the primary; bound what one chunk reads. */
    static final int OBJECTS_MAX = 20_000;
    private static final long READ_PIECE_BYTES = 1L << 20;
    private static final int OMAP_PAGE = 1000;
    private static final int OMAP_PAGES_MAX = 100_000;

    private final ObjectStore store;

    public ScrubMapBuilder(ObjectStore store) {
        this.store = store;
    }

    public List<ScrubObject> build(CollectionId coll, Optional<ObjectId> startAfter, Optional<ObjectId> end, boolean deep) {
        List<ScrubObject> out = new ArrayList<>();
        if (!store.collectionExists(coll)) {
            return out;
        }
        Optional<ObjectId> after = startAfter;
        while (true) {
            ListPage page = store.list(coll, after, PAGE);
            for (ObjectId o : page.objects()) {
                if (end.isPresent() && o.compareTo(end.get()) > 0) {
                    return out;
                }
                if (!o.namespace().startsWith(".cairn")) {
                    if (out.size() >= OBJECTS_MAX) {
                        throw new CairnException(ErrorCode.EFBIG, "more than " + OBJECTS_MAX
                                + " objects in one scrub chunk of " + coll);
                    }
                    summarize(coll, o, deep).ifPresent(out::add);
                }
            }
            if (page.next().isEmpty() || page.objects().isEmpty()) {
                return out;
            }
            after = Optional.of(page.objects().get(page.objects().size() - 1));
        }
    }

    /** Empty if the object went away while listing. */
    private Optional<ScrubObject> summarize(CollectionId coll, ObjectId o, boolean deep) {
        ScrubObject.Builder b = ScrubObject.newBuilder().setName(o.name()).setNspace(o.namespace()).setHash(o.hash());
        if (o.snap() != ObjectId.HEAD) {
            b.setSnap(o.snap());
        }
        try {
            long size = store.stat(coll, o).sizeBytes();
            b.setSize(size);
            store.getAttrs(coll, o).forEach((k, v) -> {
                if (k.equals(PgCopies.KEY_ATTR)) {
                    b.setKey(new String(v, StandardCharsets.UTF_8));
                } else if (k.equals(OpRunner.VERSION_ATTR)) {
                    b.setVersion(OpRunner.decodeLong(v));
                }
                b.putAttrDigests(k, crc(v));
            });
            b.setOmapHeaderDigest(crc(store.omapGetHeader(coll, o)));
            if (deep) {
                b.setDataDigest(dataDigest(coll, o, size));
                b.setOmapDigest(omapDigest(coll, o));
            }
        } catch (ObjectStoreException.NoSuchObject e) {
            return Optional.empty();
        } catch (ObjectStoreException.ChecksumError e) {
            b.setReadError("store checksum error: " + e.getMessage());
        }
        return Optional.of(b.build());
    }

    private int dataDigest(CollectionId coll, ObjectId o, long size) {
        CRC32C crc = new CRC32C();
        for (long off = 0; off < size; off += READ_PIECE_BYTES) {
            crc.update(store.read(coll, o, off, Math.min(READ_PIECE_BYTES, size - off)));
        }
        return (int) crc.getValue();
    }

    /** Keys and values in order, each preceded by its length, so ("ab","c") and ("a","bc") differ. */
    private int omapDigest(CollectionId coll, ObjectId o) {
        CRC32C crc = new CRC32C();
        String start = null;
        for (int page = 0; page < OMAP_PAGES_MAX; page++) {
            OmapPage p = store.omapGetValues(coll, o, new OmapQuery(Optional.ofNullable(start), "", OMAP_PAGE));
            p.entries().forEach((k, v) -> {
                byte[] kb = k.getBytes(StandardCharsets.UTF_8);
                updateLength(crc, kb.length);
                crc.update(kb);
                updateLength(crc, v.length);
                crc.update(v);
            });
            if (!p.more() || p.entries().isEmpty()) {
                break;
            }
            start = p.entries().lastKey();
        }
        return (int) crc.getValue();
    }

    private static void updateLength(CRC32C crc, int n) {
        crc.update(n >>> 24);
        crc.update(n >>> 16);
        crc.update(n >>> 8);
        crc.update(n);
    }

    static int crc(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b);
        return (int) crc.getValue();
    }
}
