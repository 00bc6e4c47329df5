package io.cairn.common.net;

import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.ByteToMessageDecoder;
import io.grpc.netty.shaded.io.netty.util.AsciiString;

/**
 * Plaintext negotiation (as gRPC's own) that first makes the connection's HTTP/2 decoder gather the
 * bytes it has read into a composite buffer instead of copying them into one growing buffer.
 * Netty's default copies the bytes left over from the last read together with every new read
 * whenever they do not fit the old buffer: with 16 KiB DATA frames that meant one more copy of
 * nearly every byte of an object coming in, a fifth of a reading client's CPU. The frames are then
 * slices of the reads themselves, and gRPC's deframer copies each message out of them once.
 * Built on gRPC's internal negotiator API, the one place that hands out the connection's handler.
 */
final class ComposingCumulation implements InternalProtocolNegotiator.ProtocolNegotiator {
    private final InternalProtocolNegotiator.ProtocolNegotiator plaintext;

    ComposingCumulation(InternalProtocolNegotiator.ProtocolNegotiator plaintext) {
        this.plaintext = plaintext;
    }

    @Override
    public AsciiString scheme() {
        return plaintext.scheme();
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        grpcHandler.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
        return plaintext.newHandler(grpcHandler);
    }

    @Override
    public void close() {
        plaintext.close();
    }
}
