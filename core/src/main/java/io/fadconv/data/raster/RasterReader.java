package io.fadconv.data.raster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads windows of a raster file, band-sequential ({@code [band][row][column]} flattened). A
 * GeoTIFF ({@link GeoTiffReader}, windowed) or a PNG ({@link PngReader}, small tiles only).
 */
public interface RasterReader extends AutoCloseable {

    /**
     * Opens a raster by its extension: {@code .tif}/{@code .tiff} as GeoTIFF, {@code .png} as PNG.
     *
     * @param file the file
     * @return the reader; close it
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException naming the file when the format is not supported
     */
    static RasterReader open(Path file) throws IOException {
        if (java.nio.file.Files.isDirectory(file)) {
            throw new io.fadconv.util.FilePaths.NotAFileException(file);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".tif") || name.endsWith(".tiff")) {
            return GeoTiffReader.open(file);
        }
        if (name.endsWith(".png")) {
            return PngReader.open(file);
        }
        throw new IllegalArgumentException(file + ": unsupported raster format; supported: "
                + ".tif/.tiff (GeoTIFF) and .png");
    }

    /**
     * Whether a file name is one {@link #open} reads.
     *
     * @param file the file
     * @return true for .tif, .tiff and .png
     */
    static boolean isRaster(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".tif") || n.endsWith(".tiff") || n.endsWith(".png");
    }

    /**
     * What the file holds.
     *
     * @return the info
     */
    RasterInfo info();

    /**
     * The file.
     *
     * @return its path
     */
    Path file();

    /**
     * Reads a window as floats.
     *
     * @param window the window, inside the raster
     * @param bands 0-based bands in the order wanted; none means all
     * @return band-sequential values
     * @throws IOException on read failure
     */
    float[] readWindow(Window window, int... bands) throws IOException;

    /**
     * Reads a window of an integer raster as ints.
     *
     * @param window the window, inside the raster
     * @param bands 0-based bands in the order wanted; none means all
     * @return band-sequential values
     * @throws IOException on read failure
     */
    int[] readWindowInts(Window window, int... bands) throws IOException;

    /**
     * What was accepted with a warning on opening (GDAL would warn too), each naming the problem.
     *
     * @return the warnings; none by default
     */
    default java.util.List<String> warnings() {
        return java.util.List.of();
    }

    @Override
    void close() throws IOException;
}
