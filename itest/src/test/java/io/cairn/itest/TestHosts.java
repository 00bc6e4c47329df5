package io.cairn.itest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts for a test, on this machine: one network namespace per host, each with one veth link to
 * a bridge in a switch namespace of its own and an address in 10.231.K.0/24, where K is picked
 * per run. Nothing is added to the machine's own namespace: every address lives inside
 * namespaces this helper made, and {@link #close} deletes them all. A host's link can be cut
 * (its switch port down: its packets go nowhere, like a pulled cable) and healed, and the route
 * between two hosts can be cut alone (a blackhole route each way: sends fail at once).
 */
final class TestHosts implements AutoCloseable {
    private static final Path IP = Path.of("/usr/sbin/ip");
    private static final int HOSTS_MAX = 16;
    private static final int CMD_TIMEOUT_SEC = 20;

    private final String prefix;
    private final int subnet;
    private final int count;
    private final List<String> made = new ArrayList<>();

    private TestHosts(String prefix, int subnet, int count) {
        this.prefix = prefix;
        this.subnet = subnet;
        this.count = count;
    }

    /** Why namespaces cannot be made here, or empty when they can (root, and the ip command). */
    static Optional<String> unavailable() {
        if (!Files.isExecutable(IP)) {
            return Optional.of("no " + IP + " (iproute2)");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("network namespaces need root");
        }
        return Optional.empty();
    }

    /** {@code n} hosts joined by one switch. */
    static TestHosts create(int n) throws IOException {
        if (n < 1 || n > HOSTS_MAX) {
            throw new IllegalArgumentException("1.." + HOSTS_MAX + " hosts, not " + n);
        }
        SplittableRandom r = new SplittableRandom();
        TestHosts h = new TestHosts("cz" + Integer.toHexString(0x1000 + r.nextInt(0xefff)), 1 + r.nextInt(250), n);
        try {
            h.build();
            return h;
        } catch (IOException | RuntimeException e) {
            h.close();
            throw e;
        }
    }

    private String sw() {
        return prefix + "-sw";
    }

    String namespace(int host) {
        return prefix + "-h" + host;
    }

    /** The host's address. */
    String address(int host) {
        return "10.231." + subnet + "." + (host + 1);
    }

    int count() {
        return count;
    }

    private void build() throws IOException {
        ip("netns", "add", sw());
        made.add(sw());
        ip("-n", sw(), "link", "add", "br0", "type", "bridge");
        ip("-n", sw(), "link", "set", "br0", "up");
        for (int i = 0; i < count; i++) {
            String ns = namespace(i);
            ip("netns", "add", ns);
            made.add(ns);
            ip("link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", "port" + i, "netns", sw());
            ip("-n", sw(), "link", "set", "port" + i, "master", "br0");
            ip("-n", sw(), "link", "set", "port" + i, "up");
            ip("-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0");
            ip("-n", ns, "link", "set", "eth0", "up");
            ip("-n", ns, "link", "set", "lo", "up");
        }
    }

    /** A command run inside host {@code host}'s namespace. */
    ProcessBuilder exec(int host, List<String> cmd) {
        List<String> all = new ArrayList<>(List.of(IP.toString(), "netns", "exec", namespace(host)));
        all.addAll(cmd);
        return new ProcessBuilder(all);
    }

    /** Cuts the host off from every other: its switch port goes down. */
    void cut(int host) throws IOException {
        ip("-n", sw(), "link", "set", "port" + host, "down");
    }

    void heal(int host) throws IOException {
        ip("-n", sw(), "link", "set", "port" + host, "up");
    }

    /** Cuts the route between two hosts only, both ways. */
    void cutBetween(int a, int b) throws IOException {
        ip("-n", namespace(a), "route", "add", "blackhole", address(b) + "/32");
        ip("-n", namespace(b), "route", "add", "blackhole", address(a) + "/32");
    }

    void healBetween(int a, int b) throws IOException {
        ip("-n", namespace(a), "route", "del", "blackhole", address(b) + "/32");
        ip("-n", namespace(b), "route", "del", "blackhole", address(a) + "/32");
    }

    private static void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(IP.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(CMD_TIMEOUT_SEC, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": no answer in " + CMD_TIMEOUT_SEC + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": " + new String(p.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8).strip());
        }
    }

    /** Deletes every namespace made (their links go with them); stop the processes inside first. */
    @Override
    public void close() {
        for (String ns : made.reversed()) {
            try {
                ip("netns", "del", ns);
            } catch (IOException e) {
                System.err.println("TestHosts: could not delete namespace " + ns + ": " + e.getMessage());
            }
        }
        made.clear();
    }
}
