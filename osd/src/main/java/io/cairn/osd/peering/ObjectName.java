package io.cairn.osd.peering;

/** An object within a PG, as the PG log names it: namespace, name and locator key. */
public record ObjectName(String nspace, String name, String key) {
    public ObjectName {
        if (nspace == null || name == null || key == null) {
            throw new IllegalArgumentException("object name parts must not be null");
        }
    }
}
