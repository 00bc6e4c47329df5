package io.cairn.crush;

/** A leaf of the hierarchy: an OSD with id ≥ 0, its name and optional device class (or null). */
public record Device(int id, String name, String deviceClass) {
    public Device {
        if (id < 0) {
            throw new IllegalArgumentException("device id must be >= 0: " + id);
        }
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("device " + id + " needs a name");
        }
    }
}
