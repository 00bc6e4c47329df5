package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans {@code mon add} and {@code mon remove} as a pure function of the monitor map and the
 * quorum: the members of the next Raft configuration, or nothing to do, or a refusal. Applying the
 * plan (Ratis's joint consensus) is the daemon's job.
 */
final class MonMembership {
    private MonMembership() {}

    /** The next members, or {@code null} with a message when the map already is what was asked. */
    record Plan(List<MonMap.Member> next, String message) {
        boolean noop() {
            return next == null;
        }
    }

    static Plan add(MonMap now, String name, String addr, int raftPortOffset) {
        MonMap.Member joining = MonMap.member(name, now.members().size(), addr, raftPortOffset);
        for (MonMap.Member m : now.members()) {
            if (m.name().equals(name)) {
                if (m.publicAddr().equals(joining.publicAddr())) {
                    return new Plan(null, "mon." + name + " at " + addr + " already exists");
                }
                throw new CairnException(ErrorCode.EEXIST, "mon." + name + " already exists at " + m.publicAddr());
            }
            if (m.host().equals(joining.host()) && (m.port() == joining.port() || m.raftPort() == joining.raftPort()
                    || m.port() == joining.raftPort() || m.raftPort() == joining.port())) {
                throw new CairnException(ErrorCode.EEXIST, "address " + addr + " (or its Raft port "
                        + joining.raftPort() + ") is taken by mon." + m.name());
            }
        }
        List<MonMap.Member> next = new ArrayList<>(now.members());
        next.add(joining);
        return new Plan(next, "added mon." + name + " at " + addr);
    }

    /**
     * Removing refuses to leave no monitor, or a set whose live members (those in quorum now) are
     * no majority of it: the change itself could never commit, and the cluster would stop.
     */
    static Plan remove(MonMap now, List<String> quorum, String name) {
        if (!now.has(name)) {
            return new Plan(null, "mon." + name + " does not exist or has already been removed");
        }
        if (now.members().size() == 1) {
            throw new CairnException(ErrorCode.EINVAL, "mon." + name + " is the last monitor: removing it would end "
                    + "the cluster");
        }
        List<MonMap.Member> next = now.members().stream().filter(m -> !m.name().equals(name)).toList();
        List<String> live = next.stream().map(MonMap.Member::name).filter(quorum::contains).toList();
        if (live.size() * 2 <= next.size()) {
            throw new CairnException(ErrorCode.EBUSY, "removing mon." + name + " would leave "
                    + next.stream().map(MonMap.Member::name).toList() + " without a quorum (in quorum now: " + live
                    + "); bring monitors back or add one first");
        }
        return new Plan(next, "removed mon." + name + " at " + now.member(name).publicAddr());
    }
}
