package io.cairn.crush;

import java.util.List;

/**
 * A placement rule: a small program of steps that CRUSH runs for each input. {@code type} is 1 for
 * replicated and 3 for erasure, as Ceph numbers pool types; min/max size are kept for the text
 * format and ignored by placement, as in Ceph.
 */
public record Rule(int id, String name, int type, int minSize, int maxSize, List<RuleStep> steps) {
    public static final int TYPE_REPLICATED = 1;
    public static final int TYPE_ERASURE = 3;

    public Rule {
        if (id < 0 || id > 255) {
            throw new IllegalArgumentException("rule id must be 0..255: " + id);
        }
        steps = List.copyOf(steps);
    }

    public String typeName() {
        return switch (type) {
            case TYPE_REPLICATED -> "replicated";
            case TYPE_ERASURE -> "erasure";
            default -> Integer.toString(type);
        };
    }
}
