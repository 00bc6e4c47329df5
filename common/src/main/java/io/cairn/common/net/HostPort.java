package io.cairn.common.net;

import io.cairn.common.CairnException;

/**
 * A daemon's address as the maps and config files write it: {@code host:port}, or
 * {@code [v6addr]:port}. Parsing never throws anything but EINVAL with the bad text named, so a
 * typo in a config file or a map entry is a clear error, not a NumberFormatException.
 */
public record HostPort(String host, int port) {
    public HostPort {
        if (host == null || host.isEmpty()) {
            throw CairnException.invalid("an address needs a host");
        }
        if (port < 0 || port > 65535) {
            throw CairnException.invalid("port " + port + " is outside 0..65535");
        }
    }

    public static HostPort parse(String text) {
        if (text == null) {
            throw CairnException.invalid("no address given");
        }
        String s = text.strip();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw CairnException.invalid("bad address '" + text + "' (host:port)");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw CairnException.invalid("bad address '" + text + "' (write an IPv6 host as [addr]:port)");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw CairnException.invalid("bad port in address '" + text + "'");
        }
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
