package io.cairn.osd;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who an OSD's data directory belongs to: {@code whoami} (the id) and {@code osd_uuid}, as Ceph keeps them. */
record OsdIdentity(int id, String uuid) {
    static final String STORE_DIR = "store";

    static OsdIdentity read(Path dataDir) {
        try {
            int id = Integer.parseInt(Files.readString(dataDir.resolve("whoami"), StandardCharsets.UTF_8).strip());
            String uuid = Files.readString(dataDir.resolve("osd_uuid"), StandardCharsets.UTF_8).strip();
            return new OsdIdentity(id, uuid);
        } catch (IOException | NumberFormatException e) {
            throw new CairnException(ErrorCode.ENOENT, "no OSD at " + dataDir + " (run cairn osd mkfs first): " + e.getMessage());
        }
    }

    void write(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve("whoami"), id + "\n", StandardCharsets.UTF_8);
        Files.writeString(dataDir.resolve("osd_uuid"), uuid + "\n", StandardCharsets.UTF_8);
    }
}
