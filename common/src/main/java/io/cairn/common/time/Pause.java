package io.cairn.common.time;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;

/** A blocking pause for retry and pacing loops on threads of their own (never a gRPC or Ratis thread). */
public final class Pause {
    private Pause() {}

    /** Sleeps {@code ms} (nothing when not positive); an interrupt is kept and ends the caller's work as EIO. */
    public static void ms(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.EIO, "interrupted");
        }
    }
}
