package io.cairn.journaler;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Walks a journal's frames from one position to its end and says what it found, by the rules
 * that tell damage from a torn tail. Below the header's {@code write_pos} every byte was durable
 * when the header was written, so a stretch that is no frame but is followed by a valid one is
 * damage. Anywhere, a stretch with no valid frame after it is a torn tail: the end of the
 * journal. Past {@code write_pos}, a stretch followed by valid frames is writes of a dead writer
 * that landed out of order; nothing after the hole was acknowledged as flushed, so it ends the
 * journal too, and the valid frames after it are counted as dropped.
 */
public final class JournalScan {
    /** How a scan treats damage below write_pos. */
    public enum OnDamage { STOP, SKIP }

    /** A stretch of the stream that is no valid frame, from {@code pos} to {@code endPos}. */
    public record Stretch(long pos, long endPos) { }

    /**
     * What a scan found. {@code endPos} is where the journal ends (the next append goes there);
     * {@code torn} the invalid tail cut off there, if any, with {@code tailDroppedValid} when valid
     * frames followed it; {@code damaged} the stretches below write_pos; {@code stoppedOnDamage}
     * when the scan stopped at the first of them instead of skipping it.
     */
    public record Result(long fromPos, long endPos, long entries, Stretch torn, boolean tailDroppedValid,
            List<Stretch> damaged, boolean stoppedOnDamage) {
        public boolean clean() {
            return torn == null && damaged.isEmpty();
        }
    }

    private JournalScan() {}

    public static Result run(FrameScanner scanner, long fromPos, long writePos, OnDamage onDamage,
            Consumer<FrameScanner.Entry> sink) {
        long pos = fromPos;
        long entries = 0;
        List<Stretch> damaged = new ArrayList<>();
        while (true) {
            switch (scanner.at(pos)) {
                case FrameScanner.Entry e -> {
                    sink.accept(e);
                    entries++;
                    pos = e.nextPos();
                }
                case FrameScanner.End end -> {
                    Stretch torn = end.pos() < writePos ? new Stretch(end.pos(), end.pos()) : null;
                    return new Result(fromPos, end.pos(), entries, torn, false, List.copyOf(damaged), false);
                }
                case FrameScanner.Invalid bad -> {
                    if (!bad.followedByValid()) {
                        return new Result(fromPos, bad.pos(), entries, new Stretch(bad.pos(), bad.dataEndPos()), false,
                                List.copyOf(damaged), false);
                    }
                    if (bad.pos() >= writePos) {
                        return new Result(fromPos, bad.pos(), entries, new Stretch(bad.pos(), bad.nextValidPos()), true,
                                List.copyOf(damaged), false);
                    }
                    damaged.add(new Stretch(bad.pos(), bad.nextValidPos()));
                    if (onDamage == OnDamage.STOP) {
                        return new Result(fromPos, bad.pos(), entries, null, false, List.copyOf(damaged), true);
                    }
                    pos = bad.nextValidPos();
                }
            }
        }
    }
}
