package io.cairn.osd.scrub;

import io.cairn.proto.v1.ScrubObject;
import java.util.Optional;
import java.util.Set;

/** One member's copy of an object as a scrub saw it: absent when the member lacks the object. */
public record ShardResult(int osd, boolean primary, Optional<ScrubObject> copy, Set<ShardError> errors) {
    public ShardResult {
        errors = Set.copyOf(errors);
    }

    public boolean bad() {
        return !errors.isEmpty();
    }
}
