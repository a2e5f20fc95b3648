package io.fadconv.util;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/** File names and the checks every input and output path goes through. */
public final class FilePaths {

    private FilePaths() {}

    /**
     * A file name without its last extension: {@code scene_000} for {@code scene_000.tif}
     * (a name that starts with its only dot keeps it).
     *
     * @param file a path
     * @return the stem
     */
    public static String stem(Path file) {
        return stem(file.getFileName().toString());
    }

    /**
     * A file name without its last extension.
     *
     * @param name a file name
     * @return the stem
     */
    public static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /**
     * The file beside another with the same stem and another extension.
     *
     * @param file a file
     * @param extension the new extension with its dot, e.g. {@code .png}
     * @return the sibling
     */
    public static Path withExtension(Path file, String extension) {
        return file.resolveSibling(stem(file) + extension);
    }

    /**
     * Checks that a path is a readable file, not a folder.
     *
     * @param file the path
     * @throws NoSuchFileException when nothing is there
     * @throws NotAFileException when it is a folder
     */
    public static void requireFile(Path file) throws FileSystemException {
        if (Files.isDirectory(file)) {
            throw new NotAFileException(file);
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
    }

    /**
     * Checks that an output file has one of the extensions of what will be written into it.
     *
     * @param file the output
     * @param option the option that named it, for the message (e.g. {@code --out})
     * @param extensions allowed extensions with their dots, lower case, the first the usual one
     * @throws IllegalArgumentException naming the option and the extension expected
     */
    public static void requireExtension(Path file, String option, String... extensions) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Arrays.stream(extensions).noneMatch(n::endsWith)) {
            throw new IllegalArgumentException(option + " " + file + " must be a "
                    + extensions[0] + " file (" + extensions[0].substring(1).toUpperCase(
                            Locale.ROOT) + " is what is written)");
        }
    }

    /**
     * Deletes a folder and everything in it; nothing when it does not exist.
     *
     * @param dir the folder (or a file)
     * @throws IOException when something cannot be deleted
     */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A folder where a file is expected. */
    public static final class NotAFileException extends FileSystemException {
        private static final long serialVersionUID = 1L;

        /**
         * @param file the folder
         */
        public NotAFileException(Path file) {
            super(file.toString(), null, "is a folder, where a file is expected");
        }
    }
}
