package io.cairn.osd.net;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.net.Messenger;
import io.cairn.common.osdmap.OsdInfo;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.OsdServiceGrpc;

/**
 * Stubs to the other OSDs at the addresses the newest map gives them, over the shared
 * {@link Messenger}: blocking ones for the peering, recovery and scrub threads, async ones for
 * replica writes, peering queries and pings, whose callbacks run on the network thread and must
 * never block. Every stub carries a deadline, so a frozen peer costs a caller at most
 * {@code peerOpTimeoutMs}, never a hang.
 */
public final class PeerChannels implements AutoCloseable {
    private final Messenger messenger;
    private final long peerOpTimeoutMs;

    public PeerChannels(int messageMaxBytes, long peerOpTimeoutMs) {
        // every async callback here only completes a future or posts to a queue
        this.messenger = new Messenger(messageMaxBytes, true);
        this.peerOpTimeoutMs = peerOpTimeoutMs;
    }

    /** A blocking stub for one call to {@code osd}, bounded by osd_peer_op_timeout. */
    public OsdServiceGrpc.OsdServiceBlockingStub blocking(OsdMap map, int osd) {
        return Messenger.withDeadline(OsdServiceGrpc.newBlockingStub(channel(map, osd)), peerOpTimeoutMs);
    }

    /** An async stub for one call to {@code osd}, bounded by osd_peer_op_timeout. */
    public OsdServiceGrpc.OsdServiceStub async(OsdMap map, int osd) {
        return async(map, osd, peerOpTimeoutMs);
    }

    /** An async stub for one call to {@code osd} with its own deadline (pings use the heartbeat interval). */
    public OsdServiceGrpc.OsdServiceStub async(OsdMap map, int osd, long timeoutMs) {
        return Messenger.withDeadline(OsdServiceGrpc.newStub(channel(map, osd)), timeoutMs);
    }

    /** An async stub without a deadline, for a long-lived stream whose calls time out one by one. */
    public OsdServiceGrpc.OsdServiceStub streaming(OsdMap map, int osd) {
        return OsdServiceGrpc.newStub(channel(map, osd));
    }

    /** Where {@code map} says {@code osd} listens (host:port); EAGAIN when it has no address there. */
    public String address(OsdMap map, int osd) {
        OsdInfo info = map.osd(osd);
        if (info == null || info.address().isEmpty()) {
            throw new CairnException(ErrorCode.EAGAIN, "osd." + osd + " has no address in epoch " + map.epoch());
        }
        return info.address();
    }

    private io.grpc.ManagedChannel channel(OsdMap map, int osd) {
        return messenger.peer(osd, address(map, osd));
    }

    @Override
    public void close() {
        messenger.close();
    }
}
