package io.fadconv.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An output folder that a failed command leaves as it found it: created (with its missing
 * parents) on {@link #create}, and on {@link #close} without {@link #keep} deleted again, or, when
 * it was there before, emptied of what was added since.
 *
 * <pre>{@code
 * try (OutputFolder out = OutputFolder.create(dir)) {
 *     ... write into dir ...
 *     out.keep();
 * }
 * }</pre>
 */
public final class OutputFolder implements AutoCloseable {

    private final Path dir;
    private final Path created;
    private final Set<Path> before;
    private boolean keep;

    private OutputFolder(Path dir, Path created, Set<Path> before) {
        this.dir = dir;
        this.created = created;
        this.before = before;
    }

    /**
     * Creates the folder, or takes note of what an existing one holds.
     *
     * @param dir the folder
     * @return the folder; close it
     * @throws IOException when it cannot be created or listed
     * @throws IllegalArgumentException when a file is in its place
     */
    public static OutputFolder create(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IllegalArgumentException(dir + ": is a file, where an output folder is "
                    + "expected");
        }
        Path top = null;
        for (Path p = abs; p != null && !Files.exists(p); p = p.getParent()) {
            top = p;
        }
        Set<Path> before = new HashSet<>();
        if (top == null) {
            try (Stream<Path> s = Files.list(abs)) {
                s.forEach(before::add);
            }
        }
        Files.createDirectories(abs);
        return new OutputFolder(dir, top, before);
    }

    /** @return the folder */
    public Path dir() {
        return dir;
    }

    /** Keeps what was written: the work succeeded. */
    public void keep() {
        keep = true;
    }

    @Override
    public void close() throws IOException {
        if (keep) {
            return;
        }
        if (created != null) {
            FilePaths.deleteTree(created);
            return;
        }
        try (Stream<Path> s = Files.list(dir.toAbsolutePath().normalize())) {
            for (Path p : s.filter(p -> !before.contains(p)).toList()) {
                FilePaths.deleteTree(p);
            }
        }
    }
}
