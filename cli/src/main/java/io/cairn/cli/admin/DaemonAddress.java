package io.cairn.cli.admin;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;
import io.cairn.common.config.ConfigWho;
import io.cairn.common.mon.MonClient;
import io.cairn.common.net.HostPort;
import io.cairn.common.net.Messenger;
import io.cairn.common.net.RpcErrors;
import io.cairn.common.osdmap.OsdInfo;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.FsMapData;
import io.cairn.proto.v1.MdsDaemonInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Where a daemon serves, for commands that ask the daemon itself ({@code config show}, {@code tell}):
 * an OSD's address from the newest OSDMap, an MDS's from the FsMap, a monitor's from {@code mon_host} in {@code mon_initial_members}
 * order (monitors are named a, b, c... when the members are not listed, as the monitors do).
 *
 * @param who the daemon, osd.N, mon.X or mds.X
 * @param address its public address
 * @param markedDown true when the OSDMap says the OSD is down (it may still answer)
 */
record DaemonAddress(String who, HostPort address, boolean markedDown) {
    private static final int MESSAGE_MAX_BYTES = 4 << 20;

    /** CairnException ENOENT for a daemon the cluster does not have, EINVAL for one that is not a daemon. */
    static DaemonAddress resolve(String who, CairnConfig config) {
        ConfigWho w;
        try {
            w = ConfigWho.entity(who);
        } catch (IllegalArgumentException e) {
            throw CairnException.invalid("'" + who + "' is not a daemon: name one, such as osd.3 or mon.a");
        }
        return switch (w.type()) {
            case "osd" -> osd(w, config);
            case "mon" -> mon(w, config);
            case "mds" -> mds(w, config);
            default -> throw CairnException.invalid("only OSDs (osd.N), monitors (mon.X) and metadata servers (mds.X) "
                    + "answer a daemon command, not " + w.section());
        };
    }

    private static DaemonAddress osd(ConfigWho w, CairnConfig config) {
        OsdMap map;
        try (MonClient mon = MonClient.fromConfig(config)) {
            map = mon.getMap(0);
        }
        OsdInfo o = map.osd(Integer.parseInt(w.id()));
        if (o == null || !o.exists()) {
            throw CairnException.notFound(w.section() + " does not exist");
        }
        if (o.address().isEmpty()) {
            throw CairnException.notFound(w.section() + " has never booted: it has no address yet");
        }
        return new DaemonAddress(w.section(), HostPort.parse(o.address()), !o.up());
    }

    /** An MDS's address from the FsMap (its newest incarnation: a daemon that respawned has a new gid). */
    private static DaemonAddress mds(ConfigWho w, CairnConfig config) {
        FsMapData map;
        try (MonClient mon = MonClient.fromConfig(config)) {
            map = mon.getFsMap();
        }
        MdsDaemonInfo found = null;
        for (MdsDaemonInfo d : map.getDaemonsList()) {
            if (d.getName().equals(w.id()) && (found == null || d.getUpEpoch() > found.getUpEpoch())) {
                found = d;
            }
        }
        if (found == null || found.getAddr().isEmpty()) {
            throw CairnException.notFound(w.section() + " is not in the FsMap (no such MDS, or it is not running)");
        }
        return new DaemonAddress(w.section(), HostPort.parse(found.getAddr()), false);
    }

    private static DaemonAddress mon(ConfigWho w, CairnConfig config) {
        String hosts = config.get(CairnConfigKeys.Global.MON_HOST).strip();
        String members = config.get(CairnConfigKeys.Global.MON_INITIAL_MEMBERS).strip();
        if (hosts.isEmpty()) {
            throw CairnException.invalid("mon_host is not set: pass -c cairn.conf");
        }
        String[] addrs = hosts.split("\\s*,\\s*");
        List<String> names = new ArrayList<>();
        if (members.isEmpty()) {
            for (int i = 0; i < addrs.length; i++) {
                names.add(String.valueOf((char) ('a' + i)));
            }
        } else {
            names.addAll(List.of(members.split("\\s*,\\s*")));
        }
        int i = names.indexOf(w.id());
        if (i < 0 || i >= addrs.length) {
            throw CairnException.notFound(w.section() + " is not a monitor of this cluster (mon_initial_members "
                    + names + ")");
        }
        return new DaemonAddress(w.section(), HostPort.parse(addrs[i]), false);
    }

    /**
     * One call to the daemon on a channel of its own: ENOTSUP when the daemon does not serve
     * {@code what}, EAGAIN (with the address) when it cannot be reached.
     */
    <T> T call(String what, Function<ManagedChannel, T> rpc) {
        ManagedChannel channel = Messenger.newChannel(address, MESSAGE_MAX_BYTES);
        try {
            return rpc.apply(channel);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                throw new CairnException(ErrorCode.ENOTSUP, who + " does not serve " + what + " yet");
            }
            throw unreachable(RpcErrors.messageOf(e));
        } finally {
            channel.shutdownNow();
            try {
                channel.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The error when the daemon did not answer. */
    CairnException unreachable(String why) {
        return new CairnException(ErrorCode.EAGAIN, "cannot reach " + who + " at " + address
                + (markedDown ? " (it is marked down in the OSDMap)" : "") + ": " + why);
    }
}
