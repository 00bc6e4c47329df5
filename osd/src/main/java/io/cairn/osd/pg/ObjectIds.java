package io.cairn.osd.pg;

import io.cairn.common.osdmap.Placement;
import io.cairn.objectstore.ObjectId;
import io.cairn.osd.peering.ObjectName;
import io.cairn.proto.v1.ObjectLocator;

/** One object's three spellings: on the wire (locator), in the store (id with its hash), in PG logs (name). */
public final class ObjectIds {
    private ObjectIds() {}

    public static ObjectId objectId(ObjectLocator oloc) {
        return new ObjectId(oloc.getName(), oloc.getNspace(), ObjectId.HEAD,
                Placement.objectHash(oloc.getName(), oloc.getNspace(), oloc.getKey()));
    }

    public static ObjectName nameOf(ObjectLocator o) {
        return new ObjectName(o.getNspace(), o.getName(), o.getKey());
    }

    public static ObjectLocator locatorOf(long pool, ObjectName o) {
        return ObjectLocator.newBuilder().setPool(pool).setNspace(o.nspace()).setName(o.name()).setKey(o.key()).build();
    }

    /** A client object (not one of the OSD's own, which live in the .cairn namespaces). */
    public static boolean isClientObject(ObjectId o) {
        return !o.namespace().startsWith(".cairn");
    }
}
