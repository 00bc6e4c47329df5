package io.cairn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.grpc.Status;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every wire code surfaces as the exception type of its meaning, with the OSD's message, from
 * the blocking and the async forms alike; the hierarchy is sealed and {@link RadosException#of}
 * covers every code.
 */
@Timeout(60)
class RadosExceptionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** The codes an object op retries instead of surfacing. */
    private static final Set<ErrorCode> RESENT = EnumSet.of(ErrorCode.EAGAIN, ErrorCode.ESTALE);
    /** What each failure code means to a caller; written out here so a change in the mapping shows. */
    private static final Map<ErrorCode, Class<? extends RadosException>> EXPECTED = new EnumMap<>(Map.ofEntries(
            Map.entry(ErrorCode.ENOENT, RadosException.NotFound.class),
            Map.entry(ErrorCode.ENODATA, RadosException.NoData.class),
            Map.entry(ErrorCode.EEXIST, RadosException.Exists.class),
            Map.entry(ErrorCode.ENOSPC, RadosException.NoSpace.class),
            Map.entry(ErrorCode.ETIMEDOUT, RadosException.Timeout.class),
            Map.entry(ErrorCode.ECANCELED, RadosException.GuardFailed.class),
            Map.entry(ErrorCode.ERANGE, RadosException.GuardFailed.class),
            Map.entry(ErrorCode.EOVERFLOW, RadosException.GuardFailed.class),
            Map.entry(ErrorCode.EINVAL, RadosException.InvalidArgument.class),
            Map.entry(ErrorCode.EPERM, RadosException.PermissionDenied.class),
            Map.entry(ErrorCode.EACCES, RadosException.PermissionDenied.class),
            Map.entry(ErrorCode.EFBIG, RadosException.TooLarge.class),
            Map.entry(ErrorCode.EIO, RadosException.IoError.class),
            Map.entry(ErrorCode.EBLOCKLISTED, RadosException.Blocklisted.class),
            Map.entry(ErrorCode.EBUSY, RadosException.Other.class),
            Map.entry(ErrorCode.ENOTEMPTY, RadosException.Other.class),
            Map.entry(ErrorCode.EXDEV, RadosException.Other.class),
            Map.entry(ErrorCode.ENOTDIR, RadosException.Other.class),
            Map.entry(ErrorCode.EISDIR, RadosException.Other.class),
            Map.entry(ErrorCode.ENAMETOOLONG, RadosException.Other.class),
            Map.entry(ErrorCode.ENOTCONN, RadosException.Other.class),
            Map.entry(ErrorCode.EBADF, RadosException.Other.class),
            Map.entry(ErrorCode.ENOTSUP, RadosException.Other.class),
            Map.entry(ErrorCode.EOLDSNAPC, RadosException.Other.class),
            Map.entry(ErrorCode.EROFS, RadosException.Other.class),
            Map.entry(ErrorCode.EAGAIN, RadosException.Other.class),
            Map.entry(ErrorCode.ESTALE, RadosException.Other.class)));

    private static FakeCluster cluster;
    private static Rados rados;
    private static IoCtx io;

    @BeforeAll
    static void start() {
        cluster = new FakeCluster(1);
        rados = cluster.connect(Duration.ofSeconds(20));
        io = rados.ioCtx(FakeCluster.POOL);
    }

    @BeforeEach
    void answerByName() {
        // the object's name is the code to answer with
        cluster.osd(0).policy((req, osd) -> {
            ErrorCode code = ErrorCode.valueOf(req.getOloc().getName());
            return FakeOsd.reply(code, "osd.0 answers " + code, req.getEpoch());
        });
    }

    @AfterAll
    static void stop() {
        try {
            if (rados != null) {
                rados.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    static Stream<ErrorCode> answeredCodes() {
        return Arrays.stream(ErrorCode.values()).filter(c -> c != ErrorCode.OK && !RESENT.contains(c));
    }

    @ParameterizedTest
    @MethodSource("answeredCodes")
    void blockingFormThrowsTheTypeOfTheCode(ErrorCode code) {
        RadosException e = assertThrows(EXPECTED.get(code), () -> io.read(code.name(), 0, 0));
        assertEquals(code, e.code());
        assertEquals("osd.0 answers " + code, e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("answeredCodes")
    void asyncFormFailsWithTheTypeOfTheCode(ErrorCode code) {
        CompletableFuture<Long> f = io.writeFullAsync(code.name(), new byte[] {1});
        RadosException e = assertThrows(EXPECTED.get(code), () -> Await.result(f, WAIT));
        assertEquals(code, e.code());
        assertEquals("osd.0 answers " + code, e.getMessage());
    }

    @Test
    void unknownWireCodeIsAnIoError() {
        cluster.osd(0).policy((req, osd) -> FakeOsd.reply(ErrorCode.OK, "", req.getEpoch()).toBuilder().setCode(-9999)
                .setMessage("from a newer OSD").build());
        RadosException e = assertThrows(RadosException.IoError.class, () -> io.stat("anything"));
        assertEquals("from a newer OSD", e.getMessage());
    }

    @Test
    void failedCallThatAResendWouldNotFixIsAnIoError() {
        cluster.osd(0).policy((req, osd) -> {
            throw Status.INTERNAL.withDescription("osd crashed mid-op").asRuntimeException();
        });
        RadosException e = assertThrows(RadosException.IoError.class, () -> io.stat("anything"));
        assertTrue(e.getMessage().contains("osd crashed mid-op"), e.getMessage());
    }

    @Test
    void ofMapsEveryCodeAndRefusesOk() {
        for (ErrorCode code : ErrorCode.values()) {
            if (code == ErrorCode.OK) {
                assertThrows(IllegalStateException.class, () -> RadosException.of(code, "fine"));
                continue;
            }
            assertTrue(EXPECTED.containsKey(code), code + " needs a row in this test's table");
            RadosException e = RadosException.of(code, "m " + code);
            assertInstanceOf(EXPECTED.get(code), e, code.name());
            assertInstanceOf(CairnException.class, e);
            assertEquals(code, e.code());
            assertEquals("m " + code, e.getMessage());
        }
    }

    @Test
    void hierarchyIsSealedWithFinalSubtypes() {
        assertTrue(RadosException.class.isSealed());
        assertTrue(Modifier.isAbstract(RadosException.class.getModifiers()), "only the subtypes are ever thrown");
        Set<Class<?>> permitted = new HashSet<>(Arrays.asList(RadosException.class.getPermittedSubclasses()));
        assertEquals(new HashSet<>(EXPECTED.values()), permitted, "every subtype is reachable from a wire code");
        for (Class<?> c : permitted) {
            assertTrue(Modifier.isFinal(c.getModifiers()), c + " is final");
        }
    }
}
