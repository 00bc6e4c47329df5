package io.cairn.objectstore.tool;

import io.cairn.common.cli.UserInputException;
import io.cairn.objectstore.StoreLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An object's data to and from the files named on the command line ({@code --in}, {@code --out}). */
final class ObjectFiles {
    private ObjectFiles() {}

    /** The whole file, refused with a one-line error if missing or larger than an object may be. */
    static byte[] read(Path in) throws IOException {
        if (!Files.isRegularFile(in)) {
            throw new UserInputException("no such file " + in);
        }
        if (Files.size(in) > StoreLimits.OSD_MAX_OBJECT_SIZE_DEFAULT) {
            throw new UserInputException(in + " is larger than the maximum object size "
                    + StoreLimits.OSD_MAX_OBJECT_SIZE_DEFAULT);
        }
        return Files.readAllBytes(in);
    }

    /** To the file, or to stdout when none is named. */
    static void write(byte[] data, Path out) {
        if (out == null) {
            System.out.write(data, 0, data.length);
            System.out.flush();
            return;
        }
        try {
            Files.write(out, data);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + out, e);
        }
    }
}
