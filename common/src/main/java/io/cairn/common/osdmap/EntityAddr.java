package io.cairn.common.osdmap;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An entity address in Ceph's form {@code ip:port/nonce} ({@code [ip6]:port/nonce} for IPv6): a
 * client handle is {@code ip:0/nonce} with a random nonce, and {@code ip:0/0} stands for every
 * client on that IP. The blocklist keys on the canonical text ({@link #toString()}), so the
 * monitors store what a client sends only if both come from here.
 */
public record EntityAddr(InetAddress ip, int port, long nonce) {
    public static final long NONCE_MAX = 0xFFFF_FFFFL;
    private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern V6_HOST = Pattern.compile("[0-9A-Fa-f:.]+");
    /** host[:port/nonce], host being a dotted IPv4 address or a bracketed (or, alone, bare) IPv6 one. */
    private static final Pattern FULL = Pattern.compile("(\\[[^\\]]*\\]|[^:/\\[\\]]+):(\\d{1,5})/(\\d{1,10})");

    public EntityAddr {
        if (!(ip instanceof Inet4Address) && !(ip instanceof Inet6Address)) {
            throw new IllegalArgumentException("an entity address needs an IPv4 or IPv6 address");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not 0..65535");
        }
        if (nonce < 0 || nonce > NONCE_MAX) {
            throw new IllegalArgumentException("nonce " + nonce + " is not an unsigned 32-bit number");
        }
    }

    /**
     * Parses {@code ip:port/nonce} or a bare IP (which means {@code ip:0/0}, the whole host);
     * IPv6 is {@code [ip6]:port/nonce} or a bare {@code ip6}. Never looks a name up: only literal
     * addresses are accepted. Throws IllegalArgumentException saying what is wrong.
     */
    public static EntityAddr parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty address");
        }
        Matcher full = FULL.matcher(t);
        if (full.matches()) {
            long port = Long.parseLong(full.group(2));
            long nonce = Long.parseLong(full.group(3));
            if (port > 65535) {
                throw new IllegalArgumentException("bad address '" + text + "': port " + port + " is not 0..65535");
            }
            if (nonce > NONCE_MAX) {
                throw new IllegalArgumentException("bad address '" + text + "': nonce " + nonce
                        + " is not an unsigned 32-bit number");
            }
            String host = full.group(1);
            boolean bracketed = host.startsWith("[");
            return new EntityAddr(literal(text, bracketed ? host.substring(1, host.length() - 1) : host, bracketed),
                    (int) port, nonce);
        }
        if (t.startsWith("[") && t.endsWith("]")) {
            return new EntityAddr(literal(text, t.substring(1, t.length() - 1), true), 0, 0);
        }
        if (!t.contains("/") && (V4.matcher(t).matches() || t.indexOf(':') != t.lastIndexOf(':'))) {
            // a bare IPv4 address, or a bare IPv6 one (at least two colons, unlike host:port)
            return new EntityAddr(literal(text, t, t.contains(":")), 0, 0);
        }
        throw new IllegalArgumentException("bad address '" + text + "': expected IP:PORT/NONCE (e.g. "
                + "192.168.0.10:0/3141592653, [::1]:0/7) or a bare IP for every client on it");
    }

    /** The parsed address, or empty for text that is not one (a request from an unknown sender). */
    public static Optional<EntityAddr> tryParse(String text) {
        try {
            return Optional.of(parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A literal IP, never a name: names would need a lookup and would not compare reliably. */
    private static InetAddress literal(String text, String host, boolean v6) {
        if (v6) {
            if (!V6_HOST.matcher(host).matches() || !host.contains(":")) {
                throw new IllegalArgumentException("bad address '" + text + "': '" + host + "' is not an IPv6 address");
            }
            try {
                // brackets make the JDK parse the literal and refuse it, instead of looking it up; an
                // IPv4-mapped literal (::ffff:10.0.0.1) comes back as IPv4, so one host has one form
                return InetAddress.getByName("[" + host + "]");
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bad address '" + text + "': '" + host + "' is not an IPv6 address");
            }
        }
        Matcher m = V4.matcher(host);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad address '" + text + "': '" + host + "' is not an IPv4 address");
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(m.group(i + 1));
            if (octet > 255) {
                throw new IllegalArgumentException("bad address '" + text + "': '" + host + "' is not an IPv4 address");
            }
            b[i] = (byte) octet;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    /** This host's whole-IP entry, {@code ip:0/0}: blocklisting it fences every client there. */
    public EntityAddr wholeIp() {
        return new EntityAddr(ip, 0, 0);
    }

    public boolean isWholeIp() {
        return port == 0 && nonce == 0;
    }

    /** The canonical text: {@code 10.0.0.1:0/42}, {@code [::1]:0/42} (IPv6 as inet_ntop writes it, as Ceph does). */
    @Override
    public String toString() {
        String host = ip instanceof Inet6Address ? "[" + compressed(ip.getAddress()) + "]" : ip.getHostAddress();
        return host + ":" + port + "/" + nonce;
    }

    /**
     * RFC 5952 text of an IPv6 address: lower-case groups without leading zeros, the longest run
     * of two or more zero groups (the first of equals) as "::". The JDK writes every group out.
     * A scope (%eth0) names a local interface, not a host the cluster could fence, so it is dropped.
     */
    private static String compressed(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8;) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
