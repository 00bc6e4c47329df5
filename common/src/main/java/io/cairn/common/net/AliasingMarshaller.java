package io.cairn.common.net;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;

/**
 * Parses a message in one pass over one array: the whole message is read into a single
 * {@code byte[]} and parsed with aliasing, so every {@code bytes} field is a view of that array.
 * gRPC's own protobuf marshaller parses a message above 4 MiB from a stream, which reads a large
 * {@code bytes} field in pieces and copies it again to join them: for an object write that was
 * half of an OSD's CPU. Serialising is the stock marshaller's. A parsed message keeps its whole
 * array alive as long as any of its {@code bytes} fields is referenced: fine for requests and
 * replies, which live as long as one operation.
 */
public final class AliasingMarshaller<T extends MessageLite> implements MethodDescriptor.PrototypeMarshaller<T> {
    private final MethodDescriptor.PrototypeMarshaller<T> stock;
    private final Parser<T> parser;

    private AliasingMarshaller(MethodDescriptor.PrototypeMarshaller<T> stock) {
        this.stock = stock;
        @SuppressWarnings("unchecked")
        Parser<T> p = (Parser<T>) stock.getMessagePrototype().getParserForType();
        this.parser = p;
    }

    /** {@code m} made aliasing when it is a protobuf marshaller; any other marshaller unchanged. */
    @SuppressWarnings("unchecked")
    static <T> MethodDescriptor.Marshaller<T> of(MethodDescriptor.Marshaller<T> m) {
        if (m instanceof AliasingMarshaller<?>) {
            return m;
        }
        if (m instanceof MethodDescriptor.PrototypeMarshaller<?> pm && pm.getMessagePrototype() instanceof MessageLite) {
            return (MethodDescriptor.Marshaller<T>) new AliasingMarshaller<>(
                    (MethodDescriptor.PrototypeMarshaller<? extends MessageLite>) pm);
        }
        return m;
    }

    /** {@code method} with aliasing marshallers for its request and its response. */
    static <Q, R> MethodDescriptor<Q, R> of(MethodDescriptor<Q, R> method) {
        return method.toBuilder(of(method.getRequestMarshaller()), of(method.getResponseMarshaller())).build();
    }

    /** A service whose every method parses its requests with aliasing. */
    public static ServerServiceDefinition service(ServerServiceDefinition def) {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(def.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> m : def.getMethods()) {
            b.addMethod(aliasing(m));
        }
        return b.build();
    }

    private static <Q, R> ServerMethodDefinition<Q, R> aliasing(ServerMethodDefinition<Q, R> m) {
        return ServerMethodDefinition.create(of(m.getMethodDescriptor()), m.getServerCallHandler());
    }

    /** Calls through this interceptor parse their responses with aliasing. */
    static final ClientInterceptor CLIENT = new ClientInterceptor() {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return next.newCall(of(method), options);
        }
    };

    @Override
    public T getMessagePrototype() {
        return stock.getMessagePrototype();
    }

    @Override
    public Class<T> getMessageClass() {
        return stock.getMessageClass();
    }

    @Override
    public InputStream stream(T value) {
        return stock.stream(value);
    }

    @Override
    public T parse(InputStream in) {
        try (in) {
            return parse(in instanceof KnownLength ? readKnown(in, in.available()) : in.readAllBytes());
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("cannot read message: " + e).withCause(e).asRuntimeException();
        }
    }

    /** Parses {@code buf}, which the message then owns: its bytes fields are views of it. */
    T parse(byte[] buf) {
        try {
            // only a coded input over an immutable buffer aliases (CodedInputStream.newInstance(byte[])
            // copies every bytes field): a wrapped ByteString's is one
            CodedInputStream cis = UnsafeByteOperations.unsafeWrap(buf).newCodedInput();
            cis.enableAliasing(true);
            // gRPC has already bounded the message by the channel's or server's inbound limit
            cis.setSizeLimit(Integer.MAX_VALUE);
            T message = parser.parseFrom(cis, ExtensionRegistryLite.getEmptyRegistry());
            cis.checkLastTagWas(0);
            return message;
        } catch (InvalidProtocolBufferException e) {
            throw Status.INTERNAL.withDescription("invalid protobuf message: " + e.getMessage()).withCause(e)
                    .asRuntimeException();
        }
    }

    private static byte[] readKnown(InputStream in, int size) throws IOException {
        byte[] buf = new byte[size];
        int n = in.readNBytes(buf, 0, size);
        if (n != size || in.read() != -1) {
            throw new IOException("message is not the " + size + " bytes its stream announced");
        }
        return buf;
    }
}
