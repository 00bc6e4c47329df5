package io.cairn.osd.scrub;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * An object whose copies disagree or cannot be read. {@code authOsd} holds the authoritative
 * copy (readable, and agreed on by the most members, the earliest in the acting set on a tie);
 * -1 when no copy qualifies, and then repair cannot fix the object. {@code snap}: -2 for a head,
 * else the clone's snap id (a repair rewrites the head with all its clones).
 */
public record ObjectInconsistency(String nspace, String name, String key, long snap, int authOsd,
                                  List<ShardResult> shards) {
    public ObjectInconsistency {
        shards = List.copyOf(shards);
    }

    /** Ceph's object-level errors: the kinds of disagreement between the copies. */
    public Set<ShardError> objectErrors() {
        Set<ShardError> out = EnumSet.noneOf(ShardError.class);
        shards.forEach(s -> s.errors().stream().filter(ShardError::isDisagreement).forEach(out::add));
        return out;
    }

    public Set<ShardError> unionShardErrors() {
        Set<ShardError> out = EnumSet.noneOf(ShardError.class);
        shards.forEach(s -> out.addAll(s.errors()));
        return out;
    }

    public List<Integer> badOsds() {
        return shards.stream().filter(ShardResult::bad).map(ShardResult::osd).toList();
    }

    public boolean repairable() {
        return authOsd >= 0;
    }
}
