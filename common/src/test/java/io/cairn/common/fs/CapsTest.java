package io.cairn.common.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Caps print and parse as Ceph's texts, with Ceph's bit values. */
class CapsTest {
    @Test
    void setsPrintAsCephPrintsThem() {
        assertEquals("pAsLsXsFscr", Caps.toString(Caps.PIN | Caps.AUTH_SHARED | Caps.LINK_SHARED | Caps.XATTR_SHARED
                | Caps.FILE_SHARED | Caps.FILE_CACHE | Caps.FILE_RD));
        assertEquals("pFscr", Caps.toString(Caps.WANT_READ));
        assertEquals("pAsxXsxFxwb", Caps.toString(Caps.WANT_WRITE));
        assertEquals("-", Caps.toString(0));
        // Ceph's numbers: CEPH_CAP_FILE_RD is 2048, CEPH_CAP_AUTH_EXCL 8
        assertEquals(2048, Caps.FILE_RD);
        assertEquals(8, Caps.AUTH_EXCL);
    }

    @Test
    void textsParseBackAndBadOnesAreRefused() {
        for (int caps : new int[] {0, Caps.WANT_READ, Caps.WANT_WRITE, Caps.WANT_READ | Caps.WANT_WRITE, 0xffff & ~2}) {
            assertEquals(caps, Caps.parse(Caps.toString(caps)), Caps.toString(caps));
        }
        assertThrows(IllegalArgumentException.class, () -> Caps.parse("Ac"));
        assertThrows(IllegalArgumentException.class, () -> Caps.parse("s"));
        assertThrows(IllegalArgumentException.class, () -> Caps.parse("pQ"));
    }
}
