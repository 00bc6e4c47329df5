package io.cairn.osd.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.Transaction;
import io.cairn.objectstore.mem.MemStore;
import io.cairn.proto.v1.CmpOp;
import io.cairn.proto.v1.OpAppend;
import io.cairn.proto.v1.OpAssertVersion;
import io.cairn.proto.v1.OpCmpXattr;
import io.cairn.proto.v1.OpCreate;
import io.cairn.proto.v1.OpGetXattrs;
import io.cairn.proto.v1.OpOmapGetVals;
import io.cairn.proto.v1.OpOmapSet;
import io.cairn.proto.v1.OpRead;
import io.cairn.proto.v1.OpRemove;
import io.cairn.proto.v1.OpResult;
import io.cairn.proto.v1.OpSetXattr;
import io.cairn.proto.v1.OpStat;
import io.cairn.proto.v1.OpTruncate;
import io.cairn.proto.v1.OpWrite;
import io.cairn.proto.v1.OpWriteFull;
import io.cairn.proto.v1.OpZero;
import io.cairn.proto.v1.OsdOp;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Compound operations against a MemStore: mutations, reads, guards, and the limits. */
class OpRunnerTest {
    private static final CollectionId COLL = CollectionId.of("1.0");
    private static final ObjectId OID = ObjectId.head("obj", 0);
    private MemStore store;
    private OpRunner runner;
    private long version;

    @BeforeEach
    void setUp() {
        store = new MemStore(64L << 20, 4096, io.cairn.objectstore.StoreLimits.DEFAULT);
        store.mount();
        store.queueTransactions(List.of(new Transaction().createCollection(COLL, HashRange.ALL))).join();
        runner = new OpRunner(store, 1 << 20, 256 << 10);
    }

    private void apply(OsdOp... ops) {
        List<OsdOp> list = List.of(ops);
        runner.validate(list);
        runner.checkGuards(COLL, OID, list);
        Transaction t = new Transaction();
        runner.mutate(t, COLL, OID, list, ++version, 1000 + version, java.util.Optional.empty());
        store.queueTransactions(List.of(t)).join();
    }

    private List<OpResult> read(OsdOp... ops) {
        runner.validate(List.of(ops));
        runner.checkGuards(COLL, OID, List.of(ops));
        return runner.read(COLL, OID, runner.readTarget(COLL, OID, 0, false), List.of(ops), new LentBuffers());
    }

    private static OsdOp write(long off, String s) {
        return OsdOp.newBuilder().setWrite(OpWrite.newBuilder().setOffset(off).setData(ByteString.copyFromUtf8(s))).build();
    }

    private static OsdOp readAll() {
        return OsdOp.newBuilder().setRead(OpRead.getDefaultInstance()).build();
    }

    private String content() {
        return read(readAll()).get(0).getData().toStringUtf8();
    }

    @Test
    void writesAppendsTruncateZeroInOneOperation() {
        apply(OsdOp.newBuilder().setWriteFull(OpWriteFull.newBuilder().setData(ByteString.copyFromUtf8("hello"))).build(),
                OsdOp.newBuilder().setAppend(OpAppend.newBuilder().setData(ByteString.copyFromUtf8(" world"))).build());
        assertEquals("hello world", content());
        apply(write(6, "W"), OsdOp.newBuilder().setZero(OpZero.newBuilder().setOffset(0).setLength(2)).build(),
                OsdOp.newBuilder().setTruncate(OpTruncate.newBuilder().setSize(8)).build());
        assertEquals("\0\0llo Wo", content());
        OpResult stat = read(OsdOp.newBuilder().setStat(OpStat.getDefaultInstance()).build()).get(0);
        assertEquals(8, stat.getSize());
        assertEquals(1002, stat.getMtimeMs());
        assertEquals(2, runner.version(COLL, OID));
    }

    @Test
    void guardsRefuseAndCreateIsExclusive() {
        apply(OsdOp.newBuilder().setSetxattr(OpSetXattr.newBuilder().setName("state").setValue(ByteString.copyFromUtf8("b"))).build());
        OsdOp eqA = OsdOp.newBuilder().setCmpxattr(OpCmpXattr.newBuilder().setName("state").setOp(CmpOp.CMP_EQ)
                .setValue(ByteString.copyFromUtf8("a"))).build();
        OsdOp gtA = OsdOp.newBuilder().setCmpxattr(OpCmpXattr.newBuilder().setName("state").setOp(CmpOp.CMP_GT)
                .setValue(ByteString.copyFromUtf8("a"))).build();
        assertEquals(ErrorCode.ECANCELED, assertThrows(CairnException.class,
                () -> runner.checkGuards(COLL, OID, List.of(eqA))).code());
        runner.checkGuards(COLL, OID, List.of(gtA));
        OsdOp excl = OsdOp.newBuilder().setCreate(OpCreate.newBuilder().setExclusive(true)).build();
        assertEquals(ErrorCode.EEXIST, assertThrows(CairnException.class,
                () -> runner.checkGuards(COLL, OID, List.of(excl))).code());
        OsdOp v5 = OsdOp.newBuilder().setAssertVersion(OpAssertVersion.newBuilder().setVersion(5)).build();
        assertEquals(ErrorCode.EOVERFLOW, assertThrows(CairnException.class,
                () -> runner.checkGuards(COLL, OID, List.of(v5))).code());
        OsdOp v1 = OsdOp.newBuilder().setAssertVersion(OpAssertVersion.newBuilder().setVersion(1)).build();
        runner.checkGuards(COLL, OID, List.of(v1));
    }

    @Test
    void xattrsAndOmapReadBack() {
        apply(OsdOp.newBuilder().setSetxattr(OpSetXattr.newBuilder().setName("a").setValue(ByteString.copyFromUtf8("1"))).build(),
                OsdOp.newBuilder().setOmapSet(OpOmapSet.newBuilder().putEntries("k1", ByteString.copyFromUtf8("v1"))
                        .putEntries("k2", ByteString.copyFromUtf8("v2")).putEntries("x1", ByteString.copyFromUtf8("v3"))).build());
        OpResult x = read(OsdOp.newBuilder().setGetxattrs(OpGetXattrs.getDefaultInstance()).build()).get(0);
        assertEquals(1, x.getXattrsCount(), "internal attrs (version, mtime) are not user xattrs");
        assertArrayEquals("1".getBytes(), x.getXattrsMap().get("a").toByteArray());
        OpResult page = read(OsdOp.newBuilder().setOmapGetVals(OpOmapGetVals.newBuilder().setPrefix("k").setMax(1)).build()).get(0);
        assertEquals(List.of("k1"), List.copyOf(page.getValsMap().keySet()));
        assertTrue(page.getMore());
    }

    @Test
    void removeThenMissingObjectReadsFail() {
        apply(write(0, "x"));
        apply(OsdOp.newBuilder().setRemove(OpRemove.getDefaultInstance()).build());
        assertFalse(store.exists(COLL, OID));
        assertEquals(ErrorCode.ENOENT, assertThrows(CairnException.class, () -> read(readAll())).code());
        assertEquals(0, runner.version(COLL, OID));
    }

    private static OsdOp cmp(String name, CmpOp op, String value) {
        return OsdOp.newBuilder().setCmpxattr(OpCmpXattr.newBuilder().setName(name).setOp(op)
                .setValue(ByteString.copyFromUtf8(value))).build();
    }

    @Test
    void opsOfOneOperationSeeWhatTheEarlierOnesLeft() {
        apply(write(0, "old"));
        // as in Ceph: the exclusive create sees the object the remove before it took away
        OsdOp remove = OsdOp.newBuilder().setRemove(OpRemove.getDefaultInstance()).build();
        OsdOp excl = OsdOp.newBuilder().setCreate(OpCreate.newBuilder().setExclusive(true)).build();
        apply(remove, excl, OsdOp.newBuilder().setWriteFull(OpWriteFull.newBuilder()
                .setData(ByteString.copyFromUtf8("new"))).build());
        assertEquals("new", content());
        // and a guard after a setxattr compares with the value just set
        apply(OsdOp.newBuilder().setSetxattr(OpSetXattr.newBuilder().setName("s").setValue(ByteString.copyFromUtf8("b")))
                .build(), cmp("s", CmpOp.CMP_EQ, "b"), write(0, "N"));
        assertEquals("New", content());
        assertEquals(ErrorCode.EEXIST, assertThrows(CairnException.class,
                () -> runner.checkGuards(COLL, OID, List.of(excl, remove))).code(), "create before remove still fails");
    }

    @Test
    void cmpxattrAgainstAMissingXattrComparesWithAnEmptyValue() {
        apply(write(0, "x"));
        runner.checkGuards(COLL, OID, List.of(cmp("absent", CmpOp.CMP_NE, "x")));
        runner.checkGuards(COLL, OID, List.of(cmp("absent", CmpOp.CMP_EQ, "")));
        assertEquals(ErrorCode.ECANCELED, assertThrows(CairnException.class,
                () -> runner.checkGuards(COLL, OID, List.of(cmp("absent", CmpOp.CMP_EQ, "x")))).code());
        ObjectId other = ObjectId.head("missing", 0);
        assertEquals(ErrorCode.ENOENT, assertThrows(CairnException.class,
                () -> runner.checkGuards(COLL, other, List.of(cmp("absent", CmpOp.CMP_NE, "x")))).code(),
                "on a missing object the guard answers ENOENT");
    }

    @Test
    void omapClearClearsTheHeaderToo() {
        apply(OsdOp.newBuilder().setOmapSetHeader(io.cairn.proto.v1.OpOmapSetHeader.newBuilder()
                        .setHeader(ByteString.copyFromUtf8("hdr"))).build(),
                OsdOp.newBuilder().setOmapSet(OpOmapSet.newBuilder().putEntries("k", ByteString.copyFromUtf8("v"))).build());
        OsdOp getHeader = OsdOp.newBuilder().setOmapGetHeader(io.cairn.proto.v1.OpOmapGetHeader.getDefaultInstance())
                .build();
        assertEquals("hdr", read(getHeader).get(0).getData().toStringUtf8());
        apply(OsdOp.newBuilder().setOmapClear(io.cairn.proto.v1.OpOmapClear.getDefaultInstance()).build());
        assertEquals("", read(getHeader).get(0).getData().toStringUtf8());
        assertEquals(0, read(OsdOp.newBuilder().setOmapGetVals(OpOmapGetVals.getDefaultInstance()).build()).get(0)
                .getValsCount());
    }

    @Test
    void limitsAndBadShapesAreRefusedBeforeAnythingRuns() {
        assertEquals(ErrorCode.EFBIG, assertThrows(CairnException.class,
                () -> runner.validate(List.of(write(0, "x".repeat(300 << 10))))).code());
        assertEquals(ErrorCode.EFBIG, assertThrows(CairnException.class,
                () -> runner.validate(List.of(write((1 << 20) - 1, "xy")))).code());
        assertEquals(ErrorCode.EINVAL, assertThrows(CairnException.class, () -> runner.validate(List.of())).code());
        assertEquals(ErrorCode.EINVAL, assertThrows(CairnException.class,
                () -> runner.validate(List.of(write(0, "x"), readAll()))).code());
        assertFalse(store.exists(COLL, OID));
    }

    @Test
    void aReadsArrayIsCarriedInTheReplyUncopiedAndAnyOtherBufferIsCopied() {
        byte[] array = {1, 2, 3, 4, 5};
        ByteString view = OpRunner.replyBytes(io.cairn.objectstore.ReadBuffer.of(array));
        array[0] = 9;
        assertEquals(9, view.byteAt(0), "a view of the read's array, not a copy");
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(3).put(new byte[] {7, 8, 9}).flip();
        try (io.cairn.objectstore.ReadBuffer lent = io.cairn.objectstore.ReadBuffer.lent(direct, () -> { })) {
            ByteString copy = OpRunner.replyBytes(lent);
            direct.put(0, (byte) 0);
            assertArrayEquals(new byte[] {7, 8, 9}, copy.toByteArray(), "a copy, which outlives the lent buffer");
        }
    }
}
