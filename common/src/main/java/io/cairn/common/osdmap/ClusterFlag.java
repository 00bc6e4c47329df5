package io.cairn.common.osdmap;

/** Cluster-wide OSDMap flags, by the names {@code ceph osd set} uses. */
public enum ClusterFlag {
    NOOUT("noout"),
    NOIN("noin"),
    NODOWN("nodown"),
    NOUP("noup"),
    NORECOVER("norecover"),
    NOBACKFILL("nobackfill"),
    NOSCRUB("noscrub"),
    NODEEP_SCRUB("nodeep-scrub"),
    PAUSE("pause"),
    FULL("full"),
    NOSNAPTRIM("nosnaptrim");

    private final String cephName;

    ClusterFlag(String cephName) {
        this.cephName = cephName;
    }

    public String cephName() {
        return cephName;
    }

    public long bit() {
        return 1L << ordinal();
    }

    /** The flag for a name as Ceph spells it, or null. */
    public static ClusterFlag named(String name) {
        for (ClusterFlag f : values()) {
            if (f.cephName.equals(name)) {
                return f;
            }
        }
        return null;
    }
}
