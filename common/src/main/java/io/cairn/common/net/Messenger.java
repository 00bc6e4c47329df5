package io.cairn.common.net;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.AbstractStub;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The one place Cairn makes gRPC channels and servers: plaintext channels on loopback or a
 * cluster network, cached by address so every caller of one peer shares its connection, with a
 * message size limit sized by the caller (object payloads exceed gRPC's 4 MiB default). Deadlines
 * go on every stub through {@link #withDeadline}. Thread-safe; {@link #close()} ends every channel.
 */
public final class Messenger implements AutoCloseable {
    private final int messageMaxBytes;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    /** The address each named peer (an OSD id) was last reached at, so a moved peer gets a new channel. */
    private final Map<Integer, String> peerAddresses = new ConcurrentHashMap<>();

    public Messenger(int messageMaxBytes) {
        if (messageMaxBytes < 1 << 20) {
            throw new IllegalArgumentException("messageMaxBytes " + messageMaxBytes + " is below 1 MiB");
        }
        this.messageMaxBytes = messageMaxBytes;
    }

    /** The shared channel to {@code address} (host:port). */
    public ManagedChannel channel(String address) {
        return channels.computeIfAbsent(address, a -> newChannel(HostPort.parse(a), messageMaxBytes));
    }

    /**
     * The channel to peer {@code id} at the address the newest map gives it: when the peer moved,
     * its old channel is shut down and a new one made.
     */
    public ManagedChannel peer(int id, String address) {
        String before = peerAddresses.put(id, address);
        if (before != null && !before.equals(address)) {
            ManagedChannel old = channels.remove(before);
            if (old != null) {
                old.shutdown();
            }
        }
        return channel(address);
    }

    /** A channel of its own (not cached), for a caller that manages its life itself. */
    public static ManagedChannel newChannel(HostPort to, int messageMaxBytes) {
        return NettyChannelBuilder.forAddress(to.host(), to.port()).usePlaintext()
                .maxInboundMessageSize(messageMaxBytes).build();
    }

    /** A server bound to exactly {@code bind} (never a wildcard unless the address is one). */
    public static NettyServerBuilder server(HostPort bind, Executor executor, int messageMaxBytes) {
        return NettyServerBuilder.forAddress(new InetSocketAddress(bind.host(), bind.port())).executor(executor)
                .maxInboundMessageSize(messageMaxBytes);
    }

    /** {@code stub} with a deadline {@code timeoutMs} from now. */
    public static <S extends AbstractStub<S>> S withDeadline(S stub, long timeoutMs) {
        return stub.withDeadlineAfter(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
        peerAddresses.clear();
    }
}
