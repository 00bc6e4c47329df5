package io.cairn.objectstore;

import java.util.List;
import java.util.Optional;

/**
 * One page of a collection listing in hash order. {@code next} is the cursor to pass for the
 * following page (the last object returned), empty when the listing is complete.
 */
public record ListPage(List<ObjectId> objects, Optional<ObjectId> next) {
    public ListPage {
        objects = List.copyOf(objects);
    }
}
