package io.cairn.objectstore.mem;

import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.ObjectStoreConformanceTest;
import io.cairn.objectstore.StoreLimits;

class MemStoreConformanceTest extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore(long totalBytes) {
        MemStore s = new MemStore(totalBytes, UNIT, StoreLimits.DEFAULT);
        s.mount();
        return s;
    }
}
