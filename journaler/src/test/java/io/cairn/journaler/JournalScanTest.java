package io.cairn.journaler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JournalScanTest {
    private static final long MAX_ENTRY = 1 << 20;

    /** A stream in memory; bytes past its length are missing. */
    private static final class Bytes implements StreamSource {
        byte[] data;

        Bytes(byte[] data) {
            this.data = data;
        }

        @Override
        public byte[] read(long pos, int length) {
            if (pos >= data.length) {
                return new byte[0];
            }
            return Arrays.copyOfRange(data, (int) pos, (int) Math.min(data.length, pos + length));
        }
    }

    private final List<byte[]> payloads = new ArrayList<>();
    private final List<Long> positions = new ArrayList<>();

    private byte[] journal(int... sizes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SplittableRandom r = new SplittableRandom(sizes.length);
        for (int size : sizes) {
            byte[] p = new byte[size];
            r.nextBytes(p);
            payloads.add(p);
            positions.add((long) out.size());
            out.writeBytes(EntryFrame.encode(out.size(), p));
        }
        return out.toByteArray();
    }

    private static JournalScan.Result scan(byte[] data, long writePos, JournalScan.OnDamage onDamage,
            List<FrameScanner.Entry> into) {
        return JournalScan.run(new FrameScanner(new Bytes(data), MAX_ENTRY, 4096), 0, writePos, onDamage, into::add);
    }

    @Test
    void readsEveryEntryBackByteForByte() {
        byte[] data = journal(0, 1, 4095, 4096, 4097, 70_000, 3);
        List<FrameScanner.Entry> got = new ArrayList<>();
        JournalScan.Result r = scan(data, data.length, JournalScan.OnDamage.STOP, got);
        assertTrue(r.clean());
        assertEquals(data.length, r.endPos());
        assertEquals(payloads.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(positions.get(i), got.get(i).pos());
            assertArrayEquals(payloads.get(i), got.get(i).payload());
        }
    }

    @Test
    void tornTailEndsTheJournalAtTheLastWholeEntry() {
        byte[] whole = journal(100, 200, 300);
        long lastStart = positions.get(2);
        for (long cut = lastStart + 1; cut < whole.length; cut += 37) {
            byte[] data = Arrays.copyOf(whole, (int) cut);
            List<FrameScanner.Entry> got = new ArrayList<>();
            // the header may even claim more than is there (an object cut after the header was written)
            JournalScan.Result r = scan(data, whole.length, JournalScan.OnDamage.STOP, got);
            assertEquals(lastStart, r.endPos(), "cut at " + cut);
            assertEquals(2, got.size());
            assertEquals(lastStart, r.torn().pos());
            assertFalse(r.tailDroppedValid());
            assertTrue(r.damaged().isEmpty());
        }
    }

    @Test
    void damageBelowWritePosIsReportedAndCanBeSkipped() {
        byte[] data = journal(100, 200, 300, 400);
        long hit = positions.get(1) + 50;
        data[(int) hit] ^= 0x40;
        List<FrameScanner.Entry> got = new ArrayList<>();
        JournalScan.Result stop = scan(data, data.length, JournalScan.OnDamage.STOP, got);
        assertTrue(stop.stoppedOnDamage());
        assertEquals(positions.get(1), stop.damaged().get(0).pos());
        assertEquals(positions.get(2), stop.damaged().get(0).endPos());
        assertEquals(1, got.size());

        got.clear();
        JournalScan.Result skip = scan(data, data.length, JournalScan.OnDamage.SKIP, got);
        assertFalse(skip.stoppedOnDamage());
        assertEquals(data.length, skip.endPos());
        assertEquals(List.of(positions.get(0), positions.get(2), positions.get(3)),
                got.stream().map(FrameScanner.Entry::pos).toList());
    }

    @Test
    void holeAfterWritePosIsTheEndNotDamage() {
        // a dead writer's later write landed and the one before it did not
        byte[] data = journal(100, 200, 300);
        Arrays.fill(data, positions.get(1).intValue(), positions.get(2).intValue(), (byte) 0);
        List<FrameScanner.Entry> got = new ArrayList<>();
        JournalScan.Result r = scan(data, positions.get(1), JournalScan.OnDamage.STOP, got);
        assertEquals(positions.get(1), r.endPos());
        assertTrue(r.tailDroppedValid());
        assertEquals(1, got.size());
    }

    @Test
    void payloadThatLooksLikeAFrameIsNotTakenForOneAtTheWrongPlace() {
        // an entry whose payload is itself a valid frame for position 0
        byte[] inner = EntryFrame.encode(0, "inner".getBytes());
        byte[] data = journal(10);
        byte[] outer = EntryFrame.encode(data.length, inner);
        byte[] all = Arrays.copyOf(data, data.length + outer.length);
        System.arraycopy(outer, 0, all, data.length, outer.length);
        List<FrameScanner.Entry> got = new ArrayList<>();
        JournalScan.Result r = scan(all, all.length, JournalScan.OnDamage.STOP, got);
        assertTrue(r.clean());
        assertEquals(2, got.size());
        assertArrayEquals(inner, got.get(1).payload());
    }

    @Test
    void entryEndingAtFindsTheFrameThroughItsTrailer() {
        byte[] data = journal(100, 5000);
        FrameScanner s = new FrameScanner(new Bytes(data), MAX_ENTRY, 4096);
        assertEquals(positions.get(1), s.entryEndingAt(data.length).pos());
        assertNull(s.entryEndingAt(data.length - 1));
        assertNull(s.entryEndingAt(3));
    }

    @Test
    void hugeLengthFieldIsNoFrame() {
        byte[] data = journal(10);
        data[8] = 0x7f; // length field's top byte
        JournalScan.Result r = scan(data, 0, JournalScan.OnDamage.STOP, new ArrayList<>());
        assertEquals(0, r.endPos());
        assertEquals(0, r.torn().pos());
    }
}
