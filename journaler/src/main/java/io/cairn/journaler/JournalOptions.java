package io.cairn.journaler;

import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;

/** A journal writer's and reader's settings, from the journaler_* options. */
public record JournalOptions(long writeHeadIntervalMs, long batchIntervalNanos, int batchMaxBytes, long bufferMaxBytes,
        long maxEntryBytes) {
    public static JournalOptions from(CairnConfig c) {
        return new JournalOptions(c.get(CairnConfigKeys.Journaler.WRITE_HEAD_INTERVAL).toMillis(),
                c.get(CairnConfigKeys.Journaler.BATCH_INTERVAL).toNanos(),
                Math.toIntExact(c.get(CairnConfigKeys.Journaler.BATCH_MAX)), c.get(CairnConfigKeys.Journaler.BUFFER_MAX),
                c.get(CairnConfigKeys.Journaler.MAX_ENTRY));
    }

    public static JournalOptions defaults() {
        return from(CairnConfig.defaults("client.admin"));
    }

    public JournalOptions withWriteHeadIntervalMs(long ms) {
        return new JournalOptions(ms, batchIntervalNanos, batchMaxBytes, bufferMaxBytes, maxEntryBytes);
    }
}
