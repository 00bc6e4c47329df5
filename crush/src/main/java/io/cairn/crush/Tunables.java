package io.cairn.crush;

import java.util.Locale;

/**
 * The map-wide knobs that change CRUSH's retry behaviour. They are map data, copied into locals
 * when a rule starts; rule steps may override some of them for that rule.
 *
 * @param chooseLocalTries         retries in the same bucket after a collision (legacy 2)
 * @param chooseLocalFallbackTries exhaustive-permutation retries in the same bucket (legacy 5)
 * @param chooseTotalTries         retries of a whole descent before giving up on a replica
 * @param chooseleafDescendOnce    chooseleaf's inner descent tries only once (bobtail+)
 * @param chooseleafVaryR          feed the outer r into chooseleaf's inner descent (firefly+)
 * @param chooseleafStable         chooseleaf inner r no longer depends on the position (jewel)
 * @param strawCalcVersion         which straw (v1) length calculation builds straw buckets
 * @param allowedBucketAlgs        bit mask of the bucket algorithms new buckets may use
 */
public record Tunables(int chooseLocalTries, int chooseLocalFallbackTries, int chooseTotalTries,
                       int chooseleafDescendOnce, int chooseleafVaryR, int chooseleafStable,
                       int strawCalcVersion, int allowedBucketAlgs) {

    /** The values a map starts with when it names no tunables (crushtool's defaults). */
    public static final Tunables ARGONAUT = new Tunables(2, 5, 19, 0, 0, 0, 0, 22);
    public static final Tunables BOBTAIL = new Tunables(0, 0, 50, 1, 0, 0, 0, 22);
    public static final Tunables FIREFLY = new Tunables(0, 0, 50, 1, 1, 0, 0, 22);
    public static final Tunables HAMMER = new Tunables(0, 0, 50, 1, 1, 0, 0, 54);
    public static final Tunables JEWEL = new Tunables(0, 0, 50, 1, 1, 1, 0, 54);
    /** What new maps get: jewel tunables plus straw_calc_version 1. */
    public static final Tunables OPTIMAL = JEWEL.withStrawCalcVersion(1);
    public static final Tunables LEGACY = ARGONAUT;

    /** Tunable names in the order crushtool prints them. */
    public static final String[] NAMES = {
        "choose_local_tries", "choose_local_fallback_tries", "choose_total_tries",
        "chooseleaf_descend_once", "chooseleaf_vary_r", "chooseleaf_stable",
        "straw_calc_version", "allowed_bucket_algs",
    };

    public Tunables {
        if (chooseLocalTries < 0 || chooseLocalFallbackTries < 0 || chooseTotalTries < 0
                || chooseleafDescendOnce < 0 || chooseleafVaryR < 0 || chooseleafStable < 0
                || strawCalcVersion < 0 || allowedBucketAlgs < 0) {
            throw new IllegalArgumentException("tunables must not be negative");
        }
    }

    /**
     * A profile by the name Ceph uses ({@code ceph osd crush tunables NAME}): argonaut, bobtail,
     * firefly, hammer, jewel, optimal, legacy, default. Straw calc version is kept from {@code base}
     * except for optimal/default, which set 1 as new maps do.
     */
    public static Tunables profile(String name, Tunables base) {
        Tunables profile = switch (name.toLowerCase(Locale.ROOT)) {
            case "argonaut", "legacy" -> ARGONAUT;
            case "bobtail" -> BOBTAIL;
            case "firefly" -> FIREFLY;
            case "hammer" -> HAMMER;
            case "jewel" -> JEWEL;
            case "optimal", "default" -> OPTIMAL;
            default -> throw new IllegalArgumentException("unknown tunables profile '" + name
                    + "' (argonaut, bobtail, firefly, hammer, jewel, optimal, legacy, default)");
        };
        if (profile == OPTIMAL) {
            return profile;
        }
        return profile.withStrawCalcVersion(base.strawCalcVersion);
    }

    /** The name of the profile these tunables match, as {@code ceph osd crush show-tunables} says. */
    public String profileName() {
        Tunables mappingOnly = withStrawCalcVersion(0);
        if (mappingOnly.equals(JEWEL)) {
            return "jewel";
        }
        if (mappingOnly.equals(HAMMER)) {
            return "hammer";
        }
        if (mappingOnly.equals(FIREFLY)) {
            return "firefly";
        }
        if (mappingOnly.equals(BOBTAIL)) {
            return "bobtail";
        }
        if (mappingOnly.equals(ARGONAUT)) {
            return "argonaut";
        }
        return "unknown";
    }

    public Tunables withStrawCalcVersion(int version) {
        return new Tunables(chooseLocalTries, chooseLocalFallbackTries, chooseTotalTries,
                chooseleafDescendOnce, chooseleafVaryR, chooseleafStable, version, allowedBucketAlgs);
    }

    /** Value by crushtool name; throws IllegalArgumentException for an unknown name. */
    public int get(String name) {
        return values()[indexOf(name)];
    }

    /** A copy with one tunable changed, by crushtool name. */
    public Tunables with(String name, int value) {
        int[] v = values();
        v[indexOf(name)] = value;
        return new Tunables(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }

    /** Values in {@link #NAMES} order. */
    public int[] values() {
        return new int[] {chooseLocalTries, chooseLocalFallbackTries, chooseTotalTries,
            chooseleafDescendOnce, chooseleafVaryR, chooseleafStable, strawCalcVersion,
            allowedBucketAlgs};
    }

    private static int indexOf(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown tunable '" + name + "'");
    }
}
