package io.cairn.mon;

import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The monitors of the cluster, from {@code mon_initial_members} and {@code mon_host} (same order):
 * name, rank, public address (gRPC) and Raft address (public port + {@code mon_raft_port_offset}).
 */
record MonMap(List<Member> members) {
    record Member(String name, int rank, String host, int port, int raftPort) {
        String publicAddr() {
            return host + ":" + port;
        }

        String raftAddr() {
            return host + ":" + raftPort;
        }
    }

    MonMap {
        members = List.copyOf(members);
    }

    static MonMap fromConfig(CairnConfig config) {
        String hosts = config.get(CairnConfigKeys.Global.MON_HOST).strip();
        String names = config.get(CairnConfigKeys.Global.MON_INITIAL_MEMBERS).strip();
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("mon_host is not set: list the monitors' host:port");
        }
        String[] addrs = hosts.split("\\s*,\\s*");
        String[] ids = names.isEmpty() ? defaultNames(addrs.length) : names.split("\\s*,\\s*");
        if (ids.length != addrs.length) {
            throw new IllegalArgumentException("mon_initial_members has " + ids.length + " names but mon_host has "
                    + addrs.length + " addresses");
        }
        int offset = config.get(CairnConfigKeys.Global.MON_RAFT_PORT_OFFSET);
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < addrs.length; i++) {
            int colon = addrs[i].lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("bad monitor address '" + addrs[i] + "' (host:port)");
            }
            int port;
            try {
                port = Integer.parseInt(addrs[i].substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad monitor address '" + addrs[i] + "' (host:port)");
            }
            members.add(new Member(ids[i], i, addrs[i].substring(0, colon), port, port + offset));
        }
        return new MonMap(members);
    }

    private static String[] defaultNames(int n) {
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = String.valueOf((char) ('a' + i));
        }
        return names;
    }

    Member member(String name) {
        for (Member m : members) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("mon." + name + " is not in mon_initial_members "
                + members.stream().map(Member::name).toList());
    }

    /** The Raft group id: the same on every monitor of this cluster, derived from the member list. */
    UUID groupId() {
        StringBuilder sb = new StringBuilder("cairn-mon");
        members.forEach(m -> sb.append('|').append(m.name()).append('=').append(m.raftAddr()));
        return UUID.nameUUIDFromBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
