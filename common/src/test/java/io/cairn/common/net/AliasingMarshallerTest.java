package io.cairn.common.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.cairn.proto.v1.OpWriteFull;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Messages parsed by one pass over one array come out equal to what was sent, big or small. */
class AliasingMarshallerTest {
    private static final MethodDescriptor<OpWriteFull, OpWriteFull> ECHO = MethodDescriptor
            .<OpWriteFull, OpWriteFull>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("test.Echo/Reverse")
            .setRequestMarshaller(ProtoUtils.marshaller(OpWriteFull.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(OpWriteFull.getDefaultInstance())).build();

    private static ByteString random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return ByteString.copyFrom(b);
    }

    @Test
    void bigAndSmallMessagesCrossTheNetworkByteForByte() throws Exception {
        // the server answers with the payload reversed, so both directions' parsing is checked
        ServerServiceDefinition def = ServerServiceDefinition.builder("test.Echo")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((req, out) -> {
                    byte[] b = req.getData().toByteArray();
                    for (int i = 0, j = b.length - 1; i < j; i++, j--) {
                        byte t = b[i];
                        b[i] = b[j];
                        b[j] = t;
                    }
                    out.onNext(OpWriteFull.newBuilder().setData(ByteString.copyFrom(b)).build());
                    out.onCompleted();
                })).build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Server server = Messenger.server(HostPort.parse("127.0.0.1:0"), pool, 64 << 20)
                .addService(AliasingMarshaller.service(def)).build().start();
        ManagedChannel ch = Messenger.newChannel(HostPort.parse("127.0.0.1:" + server.getPort()), 64 << 20);
        try {
            for (int size : new int[] {0, 1, 4096, 4 << 20, (6 << 20) + 13}) {
                ByteString data = random(size, size);
                OpWriteFull reply = ClientCalls.blockingUnaryCall(ch, ECHO, io.grpc.CallOptions.DEFAULT
                        .withDeadlineAfter(30, TimeUnit.SECONDS), OpWriteFull.newBuilder().setData(data).build());
                byte[] back = reply.getData().toByteArray();
                byte[] sent = data.toByteArray();
                assertEquals(sent.length, back.length);
                for (int i = 0; i < sent.length; i++) {
                    if (sent[i] != back[sent.length - 1 - i]) {
                        throw new AssertionError("byte " + i + " of a " + size + "-byte message differs");
                    }
                }
            }
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            pool.shutdownNow();
        }
    }

    @Test
    void bytesFieldsAreViewsOfTheMessagesArrayNotCopies() {
        @SuppressWarnings("unchecked")
        AliasingMarshaller<OpWriteFull> m = (AliasingMarshaller<OpWriteFull>) AliasingMarshaller.of(ECHO.getRequestMarshaller());
        byte[] wire = OpWriteFull.newBuilder().setData(random(1 << 20, 3)).build().toByteArray();
        OpWriteFull parsed = m.parse(wire);
        byte first = parsed.getData().byteAt(0);
        // the payload starts after the tag and the length's varint (3 bytes for 1 MiB)
        wire[4] = (byte) ~first;
        assertEquals((byte) ~first, parsed.getData().byteAt(0), "the field reads through to the array");
    }

    @Test
    void garbageIsAnInternalErrorNotACrash() {
        MethodDescriptor.Marshaller<OpWriteFull> m = AliasingMarshaller.of(ECHO.getRequestMarshaller());
        // field 1, length-delimited, claims 100 bytes but 2 follow
        InputStream truncated = new ByteArrayInputStream(new byte[] {0x0a, 100, 1, 2});
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> m.parse(truncated));
        assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
        InputStream endGroup = new ByteArrayInputStream(new byte[] {0x0c});
        assertEquals(Status.Code.INTERNAL,
                assertThrows(StatusRuntimeException.class, () -> m.parse(endGroup)).getStatus().getCode());
    }

    @Test
    void wrappingIsIdempotentAndSerialisingIsTheStockOne() throws Exception {
        MethodDescriptor.Marshaller<OpWriteFull> m = AliasingMarshaller.of(ECHO.getRequestMarshaller());
        assertSame(m, AliasingMarshaller.of(m));
        OpWriteFull msg = OpWriteFull.newBuilder().setData(random(1000, 1)).build();
        try (InputStream in = m.stream(msg)) {
            assertEquals(msg, m.parse(in));
        }
    }
}
