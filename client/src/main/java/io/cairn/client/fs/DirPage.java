package io.cairn.client.fs;

import java.util.List;

/** One page of a directory listing; {@code end} when no name follows the last one. Pass the last name as the next cursor. */
public record DirPage(List<DirEntry> entries, boolean end) {
    public String cursor() {
        return entries.isEmpty() ? "" : entries.get(entries.size() - 1).name();
    }
}
