package io.cairn.mds;

import io.cairn.client.IoCtx;
import io.cairn.client.RadosException;
import io.cairn.common.Invariants;
import io.cairn.common.layout.StripeLayout;
import io.cairn.journaler.Journal;
import io.cairn.journaler.JournalMetrics;
import io.cairn.journaler.JournalObjects;
import io.cairn.journaler.JournalOptions;
import io.cairn.journaler.JournalPointer;
import io.cairn.journaler.JournalReader;
import io.cairn.journaler.JournalWriter;
import java.util.concurrent.CompletableFuture;

/** {@link MdsLog} on the journaler: a {@link JournalWriter} that fenced every older writer, and a reader for replay. */
public final class RadosMdsLog implements MdsLog {
    private final IoCtx io;
    private final String name;
    private final JournalOptions opts;
    private final JournalWriter writer;
    private boolean appended;

    private RadosMdsLog(IoCtx io, String name, JournalOptions opts, JournalWriter writer) {
        this.io = io;
        this.name = name;
        this.opts = opts;
        this.writer = writer;
    }

    /**
     * Takes the journal {@code name} in the metadata pool (creating it the first time) as its only
     * writer: any older writer is fenced before this returns. Blocking.
     */
    public static RadosMdsLog open(IoCtx io, String name, JournalOptions opts, JournalMetrics metrics) {
        String front = JournalPointer.read(io, name).front();
        try {
            Journal.readHeader(io, new JournalObjects(front));
        } catch (RadosException.NotFound none) {
            try {
                Journal.create(io, new JournalObjects(front), StripeLayout.DEFAULT);
            } catch (RadosException.Exists raced) {
                // another daemon created it first: taking it below fences that one
            }
        }
        return new RadosMdsLog(io, name, opts, JournalWriter.open(io, name, opts, metrics));
    }

    @Override
    public void replay(Sink sink) {
        Invariants.check(!appended, "journal %s: replay after an append", name);
        // the reader opens after the writer's takeover, so it sees the recovered end as write_pos
        JournalReader reader = JournalReader.open(io, name, opts);
        reader.replay(e -> sink.entry(e.pos(), e.payload()));
    }

    @Override
    public long append(byte[] payload) {
        appended = true;
        return writer.append(payload);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return writer.flush();
    }

    @Override
    public long appendPos() {
        return writer.appendPos();
    }

    @Override
    public long safePos() {
        return writer.safePos();
    }

    @Override
    public long expirePos() {
        return writer.header().expirePos();
    }

    @Override
    public void expire(long pos) {
        writer.expire(pos);
    }

    @Override
    public CompletableFuture<Void> trim() {
        return writer.trim();
    }

    @Override
    public void close() {
        writer.close();
    }
}
