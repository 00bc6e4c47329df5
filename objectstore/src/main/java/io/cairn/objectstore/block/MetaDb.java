package io.cairn.objectstore.block;

import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.KeyRange;
import org.lmdbjava.Txn;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.BiPredicate;

/**
 * The LMDB environment holding all metadata, one named table per record kind. LMDB gives
 * atomic, durable commits of a copy-on-write B+tree; one writer at a time, lock-free readers.
 */
final class MetaDb implements AutoCloseable {
    static final String SUPERBLOCK = "superblock";
    static final String NEXT_NID = "next_nid";
    static final String STORED_BYTES = "stored_bytes";
    private static final int READERS_MAX = 512;

    final Env<byte[]> env;
    /** superblock, counters. */
    final Dbi<byte[]> meta;
    /** collection name → hash range. */
    final Dbi<byte[]> colls;
    /** collection + object → onode. */
    final Dbi<byte[]> onodes;
    /** nid + logical offset → extent. */
    final Dbi<byte[]> extents;
    /** nid + header/key → omap value. */
    final Dbi<byte[]> omap;
    /** allocation unit → reference count, present only for units shared by clones (count ≥ 2). */
    final Dbi<byte[]> refs;
    /** bitmap chunk index → 512 bytes of allocation bits. */
    final Dbi<byte[]> bitmap;
    /** block-file offset → bytes written there not yet known durable in the block file ({@link DeferredWrites}). */
    final Dbi<byte[]> deferred;

    private MetaDb(Env<byte[]> env) {
        this.env = env;
        this.meta = table(env, "meta");
        this.colls = table(env, "colls");
        this.onodes = table(env, "onodes");
        this.extents = table(env, "extents");
        this.omap = table(env, "omap");
        this.refs = table(env, "refs");
        this.bitmap = table(env, "bitmap");
        this.deferred = table(env, "deferred");
    }

    /**
     * LMDB itself orders keys with memcmp; lmdbjava's range iteration needs the same order
     * spelled out (its default compares bytes signed, which ends ranges early on bytes >= 0x80).
     */
    private static Dbi<byte[]> table(Env<byte[]> env, String name) {
        return env.openDbi(name, ByteArrayProxy::compareArrays, false, DbiFlags.MDB_CREATE);
    }

    /**
     * Opens (creating if needed) the environment. The map size is address space only (the file
     * grows as pages are written); metadata past it fails writes with a no-space error.
     */
    static MetaDb open(Path dir, long mapSizeBytes) {
        Env<byte[]> env = Env.create(ByteArrayProxy.PROXY_BA)
                .setMapSize(mapSizeBytes)
                .setMaxDbs(16)
                .setMaxReaders(READERS_MAX)
                .open(dir.toFile(), EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOMETASYNC);
        return new MetaDb(env);
    }

    /**
     * Commits {@code txn} and waits until it is on disk. The environment writes each commit's meta
     * page without a sync of its own ({@code MDB_NOMETASYNC}: a commit syncs its data pages, then
     * writes the meta page that makes them current), so a commit is durable once the file is
     * synced again: by the next commit's data sync, or by the sync here. A crash before that
     * leaves the previous commit current, never a torn one.
     */
    void commitDurably(Txn<byte[]> txn) {
        txn.commit();
        env.sync(true);
    }

    static byte[] name(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Visits keys in {@code [from, to)} in order until the visitor returns false. Bounded by the
     * table's size; callers that can meet many keys pass a limit in their visitor.
     */
    static void scan(Dbi<byte[]> dbi, Txn<byte[]> txn, byte[] from, byte[] to, BiPredicate<byte[], byte[]> visitor) {
        // LMDB rejects empty keys, so an empty start means "from the first key".
        KeyRange<byte[]> range;
        if (from.length == 0) {
            range = to == null ? KeyRange.all() : KeyRange.lessThan(to);
        } else {
            range = to == null ? KeyRange.atLeast(from) : KeyRange.closedOpen(from, to);
        }
        try (CursorIterable<byte[]> it = dbi.iterate(txn, range)) {
            for (CursorIterable.KeyVal<byte[]> kv : it) {
                if (!visitor.test(kv.key(), kv.val())) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        env.close();
    }
}
