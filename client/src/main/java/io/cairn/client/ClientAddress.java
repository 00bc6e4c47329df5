package io.cairn.client;

import io.cairn.common.CairnException;
import io.cairn.common.net.HostPort;
import io.cairn.common.osdmap.EntityAddr;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The entity address a {@link Rados} handle goes by, Ceph's {@code ip:0/nonce}: the IP this process
 * reaches the monitors from, and a random nonce per handle, so that {@code osd blocklist} can fence
 * one handle ({@code ip:0/nonce}) or every client on a host ({@code ip:0/0}).
 */
final class ClientAddress {
    /** Always 127.0.0.1 (the JDK's loopback may be ::1), so a local cluster's clients read alike. */
    static final InetAddress LOOPBACK = v4(127, 0, 0, 1);

    private ClientAddress() {}

    /** A new handle's address: the local IP toward {@code monHosts}, a nonzero random 32-bit nonce. */
    static EntityAddr forHandle(List<String> monHosts, RandomGenerator random) {
        long nonce;
        do {
            nonce = random.nextInt() & EntityAddr.NONCE_MAX;
        } while (nonce == 0); // 0 is the whole-host entry, never one handle's
        return new EntityAddr(localIp(monHosts), 0, nonce);
    }

    /**
     * The local IP this process talks to the first monitor from: loopback for a monitor on this
     * host (a local cluster), else the source address the routing table picks for the monitor,
     * else this host's name's address.
     */
    static InetAddress localIp(List<String> monHosts) {
        if (monHosts.isEmpty()) {
            return LOOPBACK;
        }
        HostPort mon;
        try {
            mon = HostPort.parse(monHosts.get(0));
        } catch (CairnException e) {
            return LOOPBACK;
        }
        if (isLoopback(mon.host())) {
            return LOOPBACK;
        }
        // connecting a datagram socket sends nothing: it only asks the kernel for the route's source
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(mon.host(), mon.port()));
            InetAddress local = probe.getLocalAddress();
            if (local != null && !local.isAnyLocalAddress()) {
                return local;
            }
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            // an unresolvable or unroutable monitor: fall back to this host's own address
        }
        try {
            return InetAddress.getLocalHost();
        } catch (IOException e) {
            return LOOPBACK;
        }
    }

    /** Without a name lookup: literal loopback addresses and "localhost". */
    static boolean isLoopback(String host) {
        if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
            return true;
        }
        return EntityAddr.tryParse(host).map(a -> a.ip().isLoopbackAddress()).orElse(false);
    }

    private static InetAddress v4(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}
