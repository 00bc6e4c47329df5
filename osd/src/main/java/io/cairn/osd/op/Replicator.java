package io.cairn.osd.op;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.osd.net.PeerChannels;
import io.cairn.proto.v1.RepOpReply;
import io.cairn.proto.v1.RepOpRequest;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one replica write to one member, asynchronously. The gRPC callback only completes the
 * future: the write's caller gathers the acks on the PG's queue ({@link Acks}).
 */
public final class Replicator {
    private final PeerChannels peers;

    public Replicator(PeerChannels peers) {
        this.peers = peers;
    }

    public CompletableFuture<Void> send(OsdMap map, int osd, RepOpRequest rep) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            peers.async(map, osd).repOp(rep, new StreamObserver<>() {
                @Override
                public void onNext(RepOpReply r) {
                    if (r.getCode() == 0) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(new CairnException(ErrorCode.EAGAIN,
                                "osd." + osd + " refused the replica write: " + r.getMessage()));
                    }
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(new CairnException(ErrorCode.EAGAIN,
                            "osd." + osd + " unreachable: " + t.getMessage()));
                }

                @Override
                public void onCompleted() {
                    done.complete(null);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }
}
