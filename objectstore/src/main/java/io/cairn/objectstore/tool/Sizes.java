package io.cairn.objectstore.tool;

import io.cairn.common.cli.UserInputException;

import java.util.Locale;

/** Parses sizes such as {@code 4096}, {@code 64M}, {@code 2G} (binary units). */
final class Sizes {
    private Sizes() {}

    static long parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("IB")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> mult = 1L << 10;
                case 'M' -> mult = 1L << 20;
                case 'G' -> mult = 1L << 30;
                case 'T' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            long v = Long.parseLong(t);
            if (v < 0 || v > Long.MAX_VALUE / mult) {
                throw new UserInputException("size out of range: " + text);
            }
            return v * mult;
        } catch (NumberFormatException e) {
            throw new UserInputException("not a size: '" + text + "' (e.g. 4096, 64M, 2G)");
        }
    }
}
