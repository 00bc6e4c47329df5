package io.cairn.osd.peering;

/**
 * A PG log position: the map epoch in which the primary assigned it, and the PG's version. Ordered
 * epoch first, as Ceph's eversion_t: two primaries in different intervals may hand out the same
 * version number, and the later interval's entry wins.
 */
public record Eversion(int epoch, long version) implements Comparable<Eversion> {
    public static final Eversion ZERO = new Eversion(0, 0);

    public Eversion {
        if (epoch < 0 || version < 0) {
            throw new IllegalArgumentException("negative eversion " + epoch + "'" + version);
        }
    }

    @Override
    public int compareTo(Eversion o) {
        int c = Integer.compare(epoch, o.epoch);
        return c != 0 ? c : Long.compare(version, o.version);
    }

    public boolean newerThan(Eversion o) {
        return compareTo(o) > 0;
    }

    public static Eversion max(Eversion a, Eversion b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public String toString() {
        return epoch + "'" + version;
    }
}
