package io.cairn.mon;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.CommandRequest;
import java.util.Optional;

/**
 * The leader's side of blocklist expiry: once an entry's time has passed (by the leader's wall
 * clock), it proposes {@code osd blocklist expire}, which drops what has lapsed by the proposal's
 * stamp. At most one proposal per tick; none again within the map epoch it was made at unless
 * {@link #RETRY_MS} passed (the proposal was lost), so a slow commit is not answered with a pile
 * of duplicates. Leader ticker thread only.
 */
final class BlocklistExpiry {
    static final long RETRY_MS = 10_000;
    private int proposedEpoch = -1;
    private long proposedAtMs;

    Optional<CommandRequest> due(OsdMap map, long nowWallMs, String entity) {
        if (map.blocklist().isEmpty() || BlocklistCommands.expired(map, nowWallMs).isEmpty()) {
            return Optional.empty();
        }
        if (map.epoch() == proposedEpoch && nowWallMs - proposedAtMs < RETRY_MS) {
            return Optional.empty();
        }
        proposedEpoch = map.epoch();
        proposedAtMs = nowWallMs;
        return Optional.of(CommandRequest.newBuilder().setPrefix(BlocklistCommands.EXPIRE).setEntity(entity).build());
    }
}
