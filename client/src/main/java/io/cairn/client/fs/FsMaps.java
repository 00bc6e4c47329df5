package io.cairn.client.fs;

import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.FsMapData;
import io.cairn.proto.v1.MdsDaemonInfo;
import java.util.Set;

/** What a client (or a tool waiting for a file system) reads from the FsMap: the file system, and the address of the MDS serving its rank 0. */
public final class FsMaps {
    static final String ACTIVE = "up:active";

    private FsMaps() {}

    public static Filesystem filesystem(FsMapData map, String name) {
        for (Filesystem fs : map.getFilesystemsList()) {
            if (fs.getName().equals(name)) {
                return fs;
            }
        }
        return null;
    }

    /** The address of rank 0's daemon once it is active; null while the rank is failed or still replaying. */
    public static String activeAddress(FsMapData map, String fsName) {
        return rankAddress(map, fsName, Set.of(ACTIVE));
    }

    /**
     * The address of rank 0's daemon once its clients may connect: from up:reconnect on (they come
     * back with their sessions and caps then; requests wait for up:active); null before.
     */
    public static String sessionAddress(FsMapData map, String fsName) {
        return rankAddress(map, fsName, Set.of("up:reconnect", "up:rejoin", ACTIVE));
    }

    private static String rankAddress(FsMapData map, String fsName, Set<String> states) {
        Filesystem fs = filesystem(map, fsName);
        if (fs == null || !fs.containsUp(0)) {
            return null;
        }
        long gid = fs.getUpOrThrow(0);
        for (MdsDaemonInfo d : map.getDaemonsList()) {
            if (d.getGid() == gid) {
                return states.contains(d.getState()) ? d.getAddr() : null;
            }
        }
        return null;
    }
}
