package io.cairn.common.osdmap;

/**
 * One OSD as the map knows it. {@code weight} is the reweight in 16.16 (0x10000 = in at full
 * weight); {@code in} is weight above zero. Epoch fields follow Ceph: up_from is the epoch it last
 * came up, up_thru the last epoch it confirmed as a primary, down_at when it last went down.
 */
public record OsdInfo(int id, String uuid, boolean exists, boolean up, int weight, String address,
                      int upFrom, int upThru, int downAt, long downStampMs, String host, boolean autoOut,
                      boolean destroyed) {
    public static final int WEIGHT_IN = 0x10000;

    public OsdInfo {
        if (id < 0) {
            throw new IllegalArgumentException("osd id must be >= 0: " + id);
        }
        if (weight < 0 || weight > WEIGHT_IN) {
            throw new IllegalArgumentException("osd reweight must be 0..0x10000: " + weight);
        }
        uuid = uuid == null ? "" : uuid;
        address = address == null ? "" : address;
        host = host == null ? "" : host;
    }

    /** A newly created OSD: exists, down, out. */
    public static OsdInfo created(int id, String uuid) {
        return new OsdInfo(id, uuid, true, false, 0, "", 0, 0, 0, 0, "", false, false);
    }

    public boolean in() {
        return exists && weight > 0;
    }

    public String name() {
        return "osd." + id;
    }

    public OsdInfo withUp(boolean newUp, int epoch, long nowMs, String newAddress, String newHost) {
        return new OsdInfo(id, uuid, exists, newUp, weight, newAddress, newUp ? epoch : upFrom, upThru,
                newUp ? downAt : epoch, newUp ? 0 : nowMs, newHost, autoOut, destroyed);
    }

    /** A new reweight; {@code byMonitor} records an automatic mark-out, undone when the OSD boots. */
    public OsdInfo withWeight(int newWeight, boolean byMonitor) {
        return new OsdInfo(id, uuid, exists, up, newWeight, address, upFrom, upThru, downAt, downStampMs, host,
                byMonitor && newWeight == 0, destroyed);
    }

    public OsdInfo withWeight(int newWeight) {
        return withWeight(newWeight, false);
    }

    public OsdInfo withUpThru(int epoch) {
        return new OsdInfo(id, uuid, exists, up, weight, address, upFrom, epoch, downAt, downStampMs, host, autoOut,
                destroyed);
    }

    /** Destroyed (Ceph's {@code osd destroy}): out, its id and CRUSH place kept for a replacement. */
    public OsdInfo asDestroyed() {
        return new OsdInfo(id, uuid, exists, false, 0, address, upFrom, upThru, downAt, downStampMs, host, false, true);
    }
}
