package io.fadconv.data.raster;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Counts the GeoTIFF headers read per file while open, for tests that a command reads each
 * scene's header once:
 *
 * <pre>{@code
 * try (HeaderReads reads = HeaderReads.count()) {
 *     ... // run the command
 *     assertThat(reads.of(scene)).isEqualTo(1);
 * }
 * }</pre>
 */
public final class HeaderReads implements AutoCloseable {

    private final Map<Path, Integer> counts = new ConcurrentHashMap<>();
    private final Consumer<Path> before;

    private HeaderReads() {
        before = GeoTiffReader.headerRead;
        GeoTiffReader.headerRead = file -> {
            counts.merge(key(file), 1, Integer::sum);
            before.accept(file);
        };
    }

    /**
     * Starts counting.
     *
     * @return the counter; close it to stop
     */
    public static HeaderReads count() {
        return new HeaderReads();
    }

    /**
     * The headers of a file read since counting started.
     *
     * @param file the file
     * @return how many times its header was read
     */
    public int of(Path file) {
        return counts.getOrDefault(key(file), 0);
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }

    @Override
    public void close() {
        GeoTiffReader.headerRead = before;
    }
}
