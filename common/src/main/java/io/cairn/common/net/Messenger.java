package io.cairn.common.net;

import io.grpc.ManagedChannel;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
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
    /**
     * HTTP/2's initial window per stream: gRPC's 1 MiB default makes a 4 MiB object wait for
     * window updates three times on its way; two objects' worth lets one go out in one flight.
     */
    static final int FLOW_CONTROL_WINDOW_BYTES = 8 << 20;
    private final int messageMaxBytes;
    private final boolean inlineCallbacks;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    /** The address each named peer (an OSD id) was last reached at, so a moved peer gets a new channel. */
    private final Map<Integer, String> peerAddresses = new ConcurrentHashMap<>();

    public Messenger(int messageMaxBytes) {
        this(messageMaxBytes, false);
    }

    /**
     * With {@code inlineCallbacks}, the channels run call callbacks on their network threads instead
     * of handing each to an executor thread: a hand-off costs a wake-up and a context switch, a
     * large share of a small op's CPU. Every callback given to such a channel must return at once.
     */
    public Messenger(int messageMaxBytes, boolean inlineCallbacks) {
        if (messageMaxBytes < 1 << 20) {
            throw new IllegalArgumentException("messageMaxBytes " + messageMaxBytes + " is below 1 MiB");
        }
        this.messageMaxBytes = messageMaxBytes;
        this.inlineCallbacks = inlineCallbacks;
    }

    /** The shared channel to {@code address} (host:port). */
    public ManagedChannel channel(String address) {
        return channels.computeIfAbsent(address, a -> newChannel(HostPort.parse(a), messageMaxBytes, inlineCallbacks));
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

    /**
     * A channel of its own (not cached), for a caller that manages its life itself. Replies are
     * parsed with aliasing (an object read's data is not copied after it leaves gRPC's buffers).
     */
    public static ManagedChannel newChannel(HostPort to, int messageMaxBytes) {
        return newChannel(to, messageMaxBytes, false);
    }

    private static ManagedChannel newChannel(HostPort to, int messageMaxBytes, boolean inlineCallbacks) {
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(to.host(), to.port()).usePlaintext()
                .flowControlWindow(FLOW_CONTROL_WINDOW_BYTES).intercept(AliasingMarshaller.CLIENT)
                .maxInboundMessageSize(messageMaxBytes);
        InternalNettyChannelBuilder.setProtocolNegotiatorFactory(b,
                () -> new ComposingCumulation(InternalProtocolNegotiators.plaintext()));
        if (inlineCallbacks) {
            b.directExecutor();
        }
        EventLoopGroup own = ownClientLoop;
        if (own != null) {
            b.eventLoopGroup(own).channelType(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class);
        }
        return b.build();
    }

    /** The event loops of this process's channels when it asked for ones it can stop; else gRPC's shared ones. */
    private static volatile EventLoopGroup ownClientLoop;

    /**
     * For a short-lived process (the CLI): channels made from now on run on event loops that
     * {@link #useSharedClientLoops} ends before the process exits. A JVM exits only after waiting
     * up to 300 ms for its threads in native code, and gRPC's shared event loops sit in
     * {@code epoll_wait} for a second after the last channel closes: a one-shot command paid that
     * on every run. A daemon keeps gRPC's loops (its command switches back before it starts).
     */
    public static synchronized void useOwnClientLoop() {
        if (ownClientLoop == null) {
            // as many loops as gRPC's own (two per core), each thread started by its first channel
            ownClientLoop = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("cairn-client-loop", true),
                    Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        }
    }

    /**
     * Channels made from now on use gRPC's shared event loops; the loop {@link #useOwnClientLoop}
     * made, if any, is ended (its channels fail from then on), waiting at most {@code timeoutMs}.
     */
    public static synchronized void useSharedClientLoops(long timeoutMs) {
        EventLoopGroup g = ownClientLoop;
        if (g == null) {
            return;
        }
        ownClientLoop = null;
        g.shutdownGracefully(0, timeoutMs, TimeUnit.MILLISECONDS).awaitUninterruptibly(timeoutMs);
    }

    /**
     * A server bound to exactly {@code bind} (never a wildcard unless the address is one). Add
     * services that carry object data through {@link AliasingMarshaller#service}.
     */
    public static NettyServerBuilder server(HostPort bind, Executor executor, int messageMaxBytes) {
        return NettyServerBuilder.forAddress(new InetSocketAddress(bind.host(), bind.port()), plaintext())
                .executor(executor)
                .flowControlWindow(FLOW_CONTROL_WINDOW_BYTES).maxInboundMessageSize(messageMaxBytes);
    }

    /**
     * A server bound to exactly {@code bind} whose handlers run on the network thread that read
     * the call: for services whose every handler hands its work on without blocking, where a hop
     * through an executor would cost a wake-up and a context switch per call.
     */
    public static NettyServerBuilder serverOnNetworkThreads(HostPort bind, int messageMaxBytes) {
        return NettyServerBuilder.forAddress(new InetSocketAddress(bind.host(), bind.port()), plaintext())
                .directExecutor()
                .flowControlWindow(FLOW_CONTROL_WINDOW_BYTES).maxInboundMessageSize(messageMaxBytes);
    }

    /** Plaintext for a server, its connections gathering reads without copies ({@link ComposingCumulation}). */
    private static ServerCredentials plaintext() {
        return InternalNettyServerCredentials.create(new ComposingCumulation(InternalProtocolNegotiators.serverPlaintext()));
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
