package io.cairn.journaler;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;

/** Failures that belong to the journal itself rather than to one object operation. */
public abstract sealed class JournalException extends CairnException {
    private static final long serialVersionUID = 1L;

    private JournalException(ErrorCode code, String message) {
        super(code, message);
    }

    /**
     * A newer writer took the journal: this writer's writes are refused by the OSDs and it must
     * stop (ESTALE). Nothing it appended after the takeover is in the journal.
     */
    public static final class Fenced extends JournalException {
        private static final long serialVersionUID = 1L;

        public Fenced(String message) {
            super(ErrorCode.ESTALE, message);
        }
    }

    /** Data below the header's write position is not a valid entry, and valid entries follow it (EIO). */
    public static final class Damaged extends JournalException {
        private static final long serialVersionUID = 1L;
        private final long offset;
        private final long nextValidOffset;

        public Damaged(String journal, long offset, long nextValidOffset) {
            super(ErrorCode.EIO, "journal " + journal + " is damaged at offset " + offset + " (next valid entry at "
                    + nextValidOffset + ")");
            this.offset = offset;
            this.nextValidOffset = nextValidOffset;
        }

        public long offset() {
            return offset;
        }

        public long nextValidOffset() {
            return nextValidOffset;
        }
    }
}
