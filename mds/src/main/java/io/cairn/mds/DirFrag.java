package io.cairn.mds;

import io.cairn.proto.v1.DentryData;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;

/**
 * One directory in the cache: its dentries in name order, and what changed since its object was
 * last written (the names to set or remove there, and whether the object is still to be made).
 * Mutated only through {@link Namespace}.
 */
final class DirFrag {
    final long ino;
    final TreeMap<String, DentryData> entries = new TreeMap<>(Names.ORDER);
    final Set<String> dirtyKeys = new HashSet<>();
    boolean objectMissing;

    DirFrag(long ino) {
        this.ino = ino;
    }

    boolean dirty() {
        return objectMissing || !dirtyKeys.isEmpty();
    }
}
