package io.cairn.objectstore.block;

import java.util.List;

/**
 * What fsck found. {@code errors} are inconsistencies between metadata and allocator (or, deep,
 * data failing its checksum); {@code damagedObjects} names objects whose data is bad;
 * {@code leakedBytes} is space marked allocated that nothing references.
 */
public record FsckReport(boolean deep, long objects, long extents, long bytesVerified, long leakedBytes,
                         List<String> errors, List<String> damagedObjects, boolean repaired) {
    /** Bounds the report's size on a badly damaged store. */
    public static final int ERRORS_MAX = 1000;

    public FsckReport {
        errors = List.copyOf(errors);
        damagedObjects = List.copyOf(damagedObjects);
    }

    public boolean clean() {
        return errors.isEmpty();
    }
}
