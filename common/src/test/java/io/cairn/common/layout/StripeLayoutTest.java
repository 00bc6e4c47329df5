package io.cairn.common.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.common.CairnException;
import java.util.List;
import org.junit.jupiter.api.Test;

class StripeLayoutTest {
    @Test
    void unstripedLayoutPutsBytesInOrder() {
        StripeLayout l = StripeLayout.ofObjectSize(1 << 16);
        assertEquals(new StripeLayout.Extent(0, 100, (1 << 16) - 100, 100), l.locate(100));
        assertEquals(3, l.locate(3L * (1 << 16) + 5).objectNo());
        assertEquals(List.of(new StripeLayout.Extent(0, 65_000, 536, 65_000), new StripeLayout.Extent(1, 0, 464, 65_536)),
                l.extents(65_000, 1000));
    }

    @Test
    void stripedLayoutDealsUnitsRoundRobin() {
        // 4 KiB units over 3 objects of 8 KiB: units 0,1,2 -> objects 0,1,2 at 0; units 3,4,5 at 4096; then set 1
        StripeLayout l = new StripeLayout(4096, 3, 8192);
        assertEquals(24_576, l.periodBytes());
        assertEquals(new StripeLayout.Extent(1, 10, 4086, 4106), l.locate(4096 + 10));
        assertEquals(new StripeLayout.Extent(0, 4096, 4096, 12_288), l.locate(3 * 4096));
        assertEquals(new StripeLayout.Extent(3, 0, 4096, 24_576), l.locate(24_576));
        for (long pos = 0; pos < 3 * l.periodBytes(); pos += 977) {
            StripeLayout.Extent e = l.locate(pos);
            assertEquals(pos, l.streamPos(e.objectNo(), e.objectOffset()), "round trip at " + pos);
        }
    }

    @Test
    void objectOffsetAtOrAfterCutsEachObjectAtTheStreamPosition() {
        StripeLayout l = new StripeLayout(4096, 3, 8192);
        long end = 4096 + 100; // inside object 1's first unit
        assertEquals(4096, l.objectOffsetAtOrAfter(0, end)); // object 0's first unit is all before the end
        assertEquals(100, l.objectOffsetAtOrAfter(1, end));
        assertEquals(0, l.objectOffsetAtOrAfter(2, end));
        assertEquals(8192, l.objectOffsetAtOrAfter(0, 30_000)); // the whole of set 0 is before
        for (long pos = 0; pos < 2 * l.periodBytes(); pos += 331) {
            for (long obj = 0; obj < 6; obj++) {
                long cut = l.objectOffsetAtOrAfter(obj, pos);
                if (cut > 0) {
                    assertEquals(true, l.streamPos(obj, cut - 1) < pos, "byte before the cut is below " + pos);
                }
                if (cut < l.objectSizeBytes()) {
                    assertEquals(true, l.streamPos(obj, cut) >= pos, "byte at the cut is at or after " + pos);
                }
            }
        }
    }

    @Test
    void refusesLayoutsThatDoNotTile() {
        assertThrows(CairnException.class, () -> new StripeLayout(4096, 1, 10_000));
        assertThrows(CairnException.class, () -> new StripeLayout(1024, 1, 4096));
        assertThrows(CairnException.class, () -> new StripeLayout(4096, 0, 4096));
    }
}
