package io.cairn.journaler;

import io.cairn.common.layout.StripeLayout;
import io.cairn.client.IoCtx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a journal without taking it: a replay from expire_pos to the end, an integrity scan, or
 * a tailing read that follows a live writer (what a standby-replay MDS does). A reader changes
 * nothing; a torn tail it finds is cut by the next writer.
 */
public final class JournalReader {
    private final JournalObjects objects;
    private final JournalHeader header;
    private final FrameScanner scanner;
    private long tailPos;

    private JournalReader(IoCtx io, JournalObjects objects, JournalOptions opts) {
        this.objects = objects;
        this.header = Journal.readHeader(io, objects);
        StripeLayout layout = header.layout();
        this.scanner = new FrameScanner(new RadosStream(io, objects, layout), opts.maxEntryBytes(),
                Math.max(layout.stripeUnitBytes(), 1 << 20));
        this.tailPos = header.expirePos();
    }

    /** A reader of the front journal named {@code name}; NotFound if there is none. */
    public static JournalReader open(IoCtx io, String name, JournalOptions opts) {
        return new JournalReader(io, new JournalObjects(JournalPointer.read(io, name).front()), opts);
    }

    public JournalHeader header() {
        return header;
    }

    public String journalName() {
        return objects.name();
    }

    /** One entry and where it starts. */
    public record Entry(long pos, byte[] payload) { }

    /**
     * Every entry from expire_pos to the end, in order; {@link JournalException.Damaged} at the
     * first damaged stretch. Returns the scan's result (end position, torn tail if any).
     */
    public JournalScan.Result replay(Consumer<Entry> sink) {
        JournalScan.Result r = scan(header.expirePos(), JournalScan.OnDamage.STOP, sink);
        if (r.stoppedOnDamage()) {
            JournalScan.Stretch d = r.damaged().get(0);
            throw new JournalException.Damaged(objects.name(), d.pos(), d.endPos());
        }
        return r;
    }

    /** Entries from {@code fromPos} on, stopping at or skipping damage below write_pos as asked. */
    public JournalScan.Result scan(long fromPos, JournalScan.OnDamage onDamage, Consumer<Entry> sink) {
        return JournalScan.run(scanner, fromPos, header.writePos(), onDamage,
                e -> sink.accept(new Entry(e.pos(), e.payload())));
    }

    /** Every entry from expire_pos, as a list: for journals small enough to hold. */
    public List<Entry> readAll() {
        List<Entry> out = new ArrayList<>();
        replay(out::add);
        return out;
    }

    /**
     * The entries written since the last poll (the first poll starts at expire_pos): whole valid
     * entries only; it stops at the first place that holds none yet and resumes there next time.
     */
    public List<Entry> poll() {
        scanner.refresh();
        List<Entry> out = new ArrayList<>();
        while (true) {
            FrameScanner.Entry e = scanner.entryAt(tailPos);
            if (e == null) {
                return out;
            }
            out.add(new Entry(e.pos(), e.payload()));
            tailPos = e.nextPos();
        }
    }

    /** Where the next {@link #poll} reads from. */
    public long tailPos() {
        return tailPos;
    }
}
