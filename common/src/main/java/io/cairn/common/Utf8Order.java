package io.cairn.common;

import java.util.Comparator;

/**
 * Orders strings as their UTF-8 bytes compare unsigned, which is the order an OSD's metadata
 * B+tree keeps keys (and so omap keys) in, and the order an MDS lists a directory in.
 * {@link String#compareTo} compares UTF-16 units and disagrees on surrogates.
 */
public final class Utf8Order {
    public static final Comparator<String> COMPARATOR = Utf8Order::compare;

    private Utf8Order() {}

    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
