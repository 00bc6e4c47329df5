package io.cairn.osd.pg;

import io.cairn.osd.peering.Eversion;

/** Log positions between the peering model and the wire. */
public final class Versions {
    private Versions() {}

    public static io.cairn.proto.v1.Eversion toProto(Eversion v) {
        return io.cairn.proto.v1.Eversion.newBuilder().setEpoch(v.epoch()).setVersion(v.version()).build();
    }

    /** An absent position (a default message) is {@link Eversion#ZERO}. */
    public static Eversion fromProto(io.cairn.proto.v1.Eversion v) {
        return new Eversion(v.getEpoch(), v.getVersion());
    }
}
