package io.cairn.journaler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PendingBytesTest {
    @Test
    void takesAnyLengthAcrossFrames() {
        PendingBytes p = new PendingBytes();
        p.add(new byte[] {1, 2, 3});
        p.add(new byte[0]);
        p.add(new byte[] {4, 5});
        assertEquals(5, p.size());
        assertArrayEquals(new byte[] {1, 2}, p.take(2));
        assertArrayEquals(new byte[] {3, 4}, p.take(2));
        assertArrayEquals(new byte[] {5}, p.take(1));
        assertEquals(0, p.size());
        assertThrows(IllegalStateException.class, () -> p.take(1));
    }
}
