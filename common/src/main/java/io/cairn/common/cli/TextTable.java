package io.cairn.common.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table as Ceph's CLI prints them: a left-aligned header row, columns separated by
 * two spaces, each column as wide as its widest cell, cells aligned left or right; trailing
 * spaces trimmed.
 */
public final class TextTable {
    public enum Align { LEFT, RIGHT }

    private final List<String> headers = new ArrayList<>();
    private final List<Align> aligns = new ArrayList<>();
    private final List<String[]> rows = new ArrayList<>();

    public TextTable column(String header, Align align) {
        headers.add(header);
        aligns.add(align);
        return this;
    }

    public TextTable row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.size());
        }
        rows.add(cells.clone());
        return this;
    }

    public String render() {
        int[] widths = new int[headers.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = headers.get(c).length();
            for (String[] r : rows) {
                widths[c] = Math.max(widths[c], r[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers.toArray(new String[0]), widths, true);
        for (String[] r : rows) {
            line(sb, r, widths, false);
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, String[] cells, int[] widths, boolean header) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                l.append("  ");
            }
            String pad = " ".repeat(widths[c] - cells[c].length());
            l.append(aligns.get(c) == Align.RIGHT && !header ? pad + cells[c] : cells[c] + pad);
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
