package io.cairn.journaler;

import io.cairn.common.CairnException;
import java.util.regex.Pattern;

/**
 * The names of one journal's objects in its pool: {@code N.header}, the data objects
 * {@code N.<object number, 16 hex digits>}, and the pointer {@code N.pointer} through which a
 * journal can be rewritten into a new one.
 */
public record JournalObjects(String name) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@-]{0,99}");

    public JournalObjects {
        if (name == null || !NAME.matcher(name).matches()) {
            throw CairnException.invalid("journal name '" + name + "': 1-100 of A-Z a-z 0-9 _ . @ -, not starting "
                    + "with . @ or -");
        }
    }

    public String header() {
        return name + ".header";
    }

    public String pointer() {
        return name + ".pointer";
    }

    public String data(long objectNo) {
        return name + "." + String.format("%016x", objectNo);
    }
}
