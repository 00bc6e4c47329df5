package io.cairn.journaler;

import io.cairn.common.layout.StripeLayout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import org.junit.jupiter.api.Test;

class JournalHeaderTest {
    @Test
    void roundTrips() {
        JournalHeader h = new JournalHeader(new StripeLayout(65_536, 2, 1 << 20), 9_000_000, 5_000_000, 4_194_304, 7);
        assertEquals(h, JournalHeader.decode(h.encode(), "test"));
    }

    @Test
    void damagedOrForeignHeaderIsAnIoErrorNotAGuess() {
        byte[] b = JournalHeader.empty(StripeLayout.DEFAULT).encode();
        b[20] ^= 1;
        CairnException e = assertThrows(CairnException.class, () -> JournalHeader.decode(b, "object j.header"));
        assertEquals(ErrorCode.EIO, e.code());
        assertEquals(ErrorCode.EIO, assertThrows(CairnException.class,
                () -> JournalHeader.decode("hello".getBytes(), "x")).code());
    }

    @Test
    void positionsMustBeOrdered() {
        assertThrows(IllegalStateException.class, () -> new JournalHeader(StripeLayout.DEFAULT, 10, 20, 0, 1));
        assertThrows(IllegalStateException.class, () -> new JournalHeader(StripeLayout.DEFAULT, 30, 20, 25, 1));
    }

    @Test
    void epochBytesSortAsNumbers() {
        // the OSD compares xattrs as unsigned bytes: big-endian keeps 255 < 256
        assertEquals(-1, Integer.signum(java.util.Arrays.compareUnsigned(JournalHeader.epochBytes(255),
                JournalHeader.epochBytes(256))));
        assertEquals(256, JournalHeader.epochOf(JournalHeader.epochBytes(256)));
    }
}
