package io.cairn.mon;

import java.util.List;

/**
 * The leader's view of the Raft group: the term (Ceph's election epoch), the leader, and which
 * monitors answered recently enough to count as in quorum.
 */
record QuorumView(long term, String leader, List<String> quorum, MonMap monMap, long commitIndex, boolean fromLeader) {
    QuorumView {
        quorum = List.copyOf(quorum);
    }

    List<String> outOfQuorum() {
        return monMap.members().stream().map(MonMap.Member::name).filter(n -> !quorum.contains(n)).toList();
    }
}
