package io.cairn.client.fs;

import io.cairn.client.RadosException;
import java.util.ArrayList;
import java.util.List;

/** Absolute paths cut into names: "/a//b/" is [a, b]; "." is skipped; ".." is refused (no parent walk without caps). */
final class FsPaths {
    private FsPaths() {}

    static List<String> components(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new RadosException.InvalidArgument("not an absolute path: '" + path + "'");
        }
        List<String> out = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new RadosException.InvalidArgument("'..' is not supported in paths: '" + path + "'");
            }
            out.add(part);
        }
        return out;
    }

    /** The parent's components and the last name; the root has no last name. */
    static Split split(String path) {
        List<String> parts = components(path);
        if (parts.isEmpty()) {
            throw new RadosException.InvalidArgument("'" + path + "' names the root, which has no parent");
        }
        return new Split(parts.subList(0, parts.size() - 1), parts.get(parts.size() - 1));
    }

    record Split(List<String> parent, String name) { }
}
