package io.cairn.objectstore;

/**
 * Every error the store returns. A failed transaction changed nothing; a failed read returned no
 * bytes. Unchecked so it can travel through {@link java.util.concurrent.CompletableFuture}s.
 */
public abstract sealed class ObjectStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ObjectStoreException(String message) {
        super(message);
    }

    ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A value out of range or malformed: negative offset, too-long name, clone onto itself. */
    public static final class InvalidArgument extends ObjectStoreException {
        private static final long serialVersionUID = 1L;

        public InvalidArgument(String message) {
            super(message);
        }
    }

    public static final class NoSuchCollection extends ObjectStoreException {
        private static final long serialVersionUID = 1L;

        public NoSuchCollection(CollectionId coll) {
            super("no such collection " + coll);
        }
    }

    public static final class CollectionExists extends ObjectStoreException {
        private static final long serialVersionUID = 1L;

        public CollectionExists(CollectionId coll) {
            super("collection " + coll + " already exists");
        }
    }

    public static final class CollectionNotEmpty extends ObjectStoreException {
        private static final long serialVersionUID = 1L;

        public CollectionNotEmpty(CollectionId coll) {
            super("collection " + coll + " is not empty");
        }
    }

    public static final class NoSuchObject extends ObjectStoreException {
        private static final long serialVersionUID = 1L;

        public NoSuchObject(CollectionId coll, ObjectId oid) {
            super("no such object " + coll + "/" + oid);
        }
    }

    public static final class ObjectExists extends ObjectStoreException {
        private static final long serialVersionUID = 1L;

        public ObjectExists(CollectionId coll, ObjectId oid) {
            super("object " + coll + "/" + oid + " already exists");
        }
    }

    /** Not enough free space, or the store is past its failsafe full ratio and this is no delete. */
    public static final class NoSpace extends ObjectStoreException {
        private static final long serialVersionUID = 1L;

        public NoSpace(String message) {
            super(message);
        }
    }

    /** Stored data failed its crc32c: the bytes were not returned. */
    public static final class ChecksumError extends ObjectStoreException {
        private static final long serialVersionUID = 1L;
        private final String object;

        public ChecksumError(String object, long logicalOffset, long physicalOffset) {
            super("checksum mismatch in " + object + " at offset " + logicalOffset
                    + " (block file offset " + physicalOffset + ")");
            this.object = object;
        }

        /** {@code collection/object} of the damaged object. */
        public String object() {
            return object;
        }
    }

    /** The submission queue is full: retry after some outstanding transactions complete. */
    public static final class Busy extends ObjectStoreException {
        private static final long serialVersionUID = 1L;

        public Busy(String message) {
            super(message);
        }
    }

    /** The store is not mounted, or an I/O error made it stop accepting work. */
    public static final class Unavailable extends ObjectStoreException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message) {
            super(message);
        }

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
