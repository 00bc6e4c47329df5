package io.cairn.osd.pg;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;

/** Brings a PG this OSD leads to serving: peering owns it; ops and map handling ask. */
public interface PgActivator {
    /**
     * True when this OSD serves {@code pg} for the acting set of {@code pm} (or does not lead it);
     * otherwise starts, once, making every member consistent in the background and returns false.
     */
    boolean ensureActive(OsdMap map, PgId pg, PgMapping pm);
}
