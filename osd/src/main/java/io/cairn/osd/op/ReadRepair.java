package io.cairn.osd.op;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStoreException;
import io.cairn.proto.v1.ObjectLocator;

/** Replaces the primary's copy of an object that failed its store checksum (scrub owns repair). */
public interface ReadRepair {
    /** Takes a clean member's copy in place of this one, or throws {@code cause} when none has one. */
    void repair(OsdMap map, PgId pg, CollectionId coll, ObjectId oid, ObjectLocator oloc,
                ObjectStoreException.ChecksumError cause);
}
