package io.cairn.mon;

import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;
import io.cairn.common.net.HostPort;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.ratis.protocol.RaftPeer;

/**
 * The monitors of the cluster: name, rank, public address (gRPC) and Raft address (public port +
 * {@code mon_raft_port_offset}). The config's {@code mon_initial_members} and the first as many
 * addresses of {@code mon_host} give the first one; after that the Raft group's configuration is the monitor map, changed only by
 * {@code mon add}/{@code mon remove}, and {@code epoch} is the log index that made it.
 */
record MonMap(long epoch, List<Member> members) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    record Member(String name, int rank, String host, int port, int raftPort) {
        String publicAddr() {
            return host + ":" + port;
        }

        String raftAddr() {
            return host + ":" + raftPort;
        }

        RaftPeer peer() {
            return RaftPeer.newBuilder().setId(name).setAddress(raftAddr()).build();
        }
    }

    MonMap {
        members = List.copyOf(members);
    }

    MonMap(List<Member> members) {
        this(1, members);
    }

    static MonMap fromConfig(CairnConfig config) {
        String hosts = config.get(CairnConfigKeys.Global.MON_HOST).strip();
        String names = config.get(CairnConfigKeys.Global.MON_INITIAL_MEMBERS).strip();
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("mon_host is not set: list the monitors' host:port");
        }
        String[] addrs = hosts.split("\\s*,\\s*");
        String[] ids = names.isEmpty() ? defaultNames(addrs.length) : names.split("\\s*,\\s*");
        if (ids.length > addrs.length) {
            throw new IllegalArgumentException("mon_initial_members has " + ids.length + " names but mon_host has only "
                    + addrs.length + " addresses");
        }
        int offset = config.get(CairnConfigKeys.Global.MON_RAFT_PORT_OFFSET);
        List<Member> members = new ArrayList<>();
        // mon_host lists the initial members first; addresses after them are monitors added later,
        // there for clients to try
        for (int i = 0; i < ids.length; i++) {
            members.add(member(ids[i], i, addrs[i], offset));
        }
        return new MonMap(1, members);
    }

    /** A member from its name and public {@code host:port}; refuses a bad name or address. */
    static Member member(String name, int rank, String addr, int raftPortOffset) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad monitor name '" + name + "' (lower-case letters, digits, - and _)");
        }
        HostPort hp;
        try {
            hp = HostPort.parse(addr);
        } catch (io.cairn.common.CairnException e) {
            throw new IllegalArgumentException("bad monitor address: " + e.getMessage());
        }
        int port = hp.port();
        if (port < 1 || port + raftPortOffset > 65535) {
            throw new IllegalArgumentException("bad monitor port in '" + addr + "': 1.." + (65535 - raftPortOffset)
                    + " (its Raft port is " + raftPortOffset + " higher)");
        }
        return new Member(name, rank, hp.host(), port, port + raftPortOffset);
    }

    /**
     * The map the Raft configuration describes: ranks by name, public ports back from the Raft
     * ports (every monitor of a cluster uses the same offset).
     */
    static MonMap fromPeers(Collection<RaftPeer> peers, long epoch, int raftPortOffset) {
        List<RaftPeer> sorted = new ArrayList<>(peers);
        sorted.sort(Comparator.comparing((RaftPeer p) -> p.getId().toString()));
        List<Member> members = new ArrayList<>();
        for (RaftPeer p : sorted) {
            HostPort raft = HostPort.parse(p.getAddress());
            members.add(new Member(p.getId().toString(), members.size(), raft.host(), raft.port() - raftPortOffset,
                    raft.port()));
        }
        return new MonMap(epoch, members);
    }

    private static String[] defaultNames(int n) {
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = String.valueOf((char) ('a' + i));
        }
        return names;
    }

    boolean has(String name) {
        return members.stream().anyMatch(m -> m.name().equals(name));
    }

    Member member(String name) {
        for (Member m : members) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("mon." + name + " is not in the monitor map "
                + members.stream().map(Member::name).toList());
    }

    List<RaftPeer> peers() {
        return members.stream().map(Member::peer).toList();
    }

    /**
     * The Raft group id: the fsid when the config sets one (the same on every monitor, whatever
     * monitors join later); otherwise derived from the initial member list, as clusters made
     * before the fsid option were.
     */
    static UUID groupId(CairnConfig config, MonMap initial) {
        String fsid = config.get(CairnConfigKeys.Global.FSID).strip();
        if (!fsid.isEmpty()) {
            return UUID.fromString(fsid);
        }
        StringBuilder sb = new StringBuilder("cairn-mon");
        initial.members.forEach(m -> sb.append('|').append(m.name()).append('=').append(m.raftAddr()));
        return UUID.nameUUIDFromBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
