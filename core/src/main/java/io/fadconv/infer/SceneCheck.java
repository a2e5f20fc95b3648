package io.fadconv.infer;

import io.fadconv.data.Normalization;
import io.fadconv.data.raster.GeoTiffReader;
import io.fadconv.data.raster.RasterInfo;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.util.ErrorMessages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Whether a run can map scenes, decided from their headers before anything is mapped: readable
 * GeoTIFFs with every band the run reads; for a pair of dates also one pixel grid, a known pixel
 * area and the truth on the same grid. The one home of these checks, so that a bad input is
 * reported at once with what is wrong, not after hours of mapping. The checked scenes are handed
 * back open ({@link #open}, {@link #openPair}), so that mapping them reads no header again.
 */
public final class SceneCheck {

    private SceneCheck() {}

    /** A further check of an open scene before anything is mapped (the CLI's band statistics). */
    @FunctionalInterface
    public interface Further {
        /** No further check. */
        Further NONE = scene -> { };

        /**
         * Checks a scene.
         *
         * @param scene the open scene (left open)
         * @throws IOException when it cannot be read
         * @throws IllegalArgumentException when it is refused, saying why
         */
        void check(RasterReader scene) throws IOException;
    }

    /**
     * A pair of dates opened checked ({@link #openPair}), to be mapped through these readers.
     *
     * @param before the t1 scene
     * @param after the t2 scene
     */
    public record Pair(GeoTiffReader before, GeoTiffReader after) implements AutoCloseable {

        /** @return the pixels of one date (width x height) */
        public long pixels() {
            return before.info().extent().pixels();
        }

        @Override
        public void close() throws IOException {
            try {
                before.close();
            } finally {
                after.close();
            }
        }
    }

    /**
     * Checks a pair of dates: both scenes readable GeoTIFFs with the run's bands, on one pixel
     * grid, with a known pixel area, and the truth (if any) on the same grid.
     *
     * @param before the t1 scene
     * @param after the t2 scene
     * @param truth a true change mask, if any
     * @param norm the run's normalisation (the bands it reads)
     * @param options the CNA options (pixel size)
     * @return the pixels of one date (width x height)
     * @throws IllegalArgumentException saying what is wrong with which file
     * @throws IOException when a file cannot be read
     */
    public static long pair(Path before, Path after, Optional<Path> truth, Normalization norm,
            CnaOptions options) throws IOException {
        try (Pair p = openPair(before, after, truth, norm, options, Further.NONE)) {
            return p.pixels();
        }
    }

    /**
     * Opens a pair of dates checked as {@link #pair} checks it, then by a further check of each
     * scene. The caller maps the scenes through the readers, so each header is read once.
     *
     * @param before the t1 scene
     * @param after the t2 scene
     * @param truth a true change mask, if any
     * @param norm the run's normalisation (the bands it reads)
     * @param options the CNA options (pixel size)
     * @param further a further check of each scene, after the checks of the headers
     * @return both scenes open; close them
     * @throws IllegalArgumentException saying what is wrong with which file
     * @throws IOException when a file cannot be read
     */
    public static Pair openPair(Path before, Path after, Optional<Path> truth,
            Normalization norm, CnaOptions options, Further further) throws IOException {
        GeoTiffReader a = open(before, "before");
        try {
            GeoTiffReader b = open(after, "after");
            try {
                bands(a.info(), before, norm);
                bands(b.info(), after, norm);
                CoRegistration.check(a.info(), before, b.info(), after);
                PixelArea.of(a.info().geo(), options.pixelSize(), before);
                if (truth.isPresent()) {
                    CoRegistration.check(a.info(), before, header(truth.get(), "truth"),
                            truth.get());
                }
                further.check(a);
                further.check(b);
                return new Pair(a, b);
            } catch (IOException | RuntimeException e) {
                b.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    /**
     * Opens one scene checked: a readable GeoTIFF with every band the run reads. The caller
     * reads the scene through the reader, so its header is read once.
     *
     * @param scene the scene
     * @param norm the run's normalisation (the bands it reads)
     * @return the open scene; close it
     * @throws IllegalArgumentException saying what is wrong, naming the file
     * @throws IOException when it cannot be read
     */
    public static GeoTiffReader open(Path scene, Normalization norm) throws IOException {
        return open(scene, norm, Further.NONE);
    }

    /**
     * Opens one scene checked as {@link #open(Path, Normalization)}, then by a further check.
     *
     * @param scene the scene
     * @param norm the run's normalisation (the bands it reads)
     * @param further a further check, after the check of the header
     * @return the open scene; close it
     * @throws IllegalArgumentException saying what is wrong, naming the file
     * @throws IOException when it cannot be read
     */
    public static GeoTiffReader open(Path scene, Normalization norm, Further further)
            throws IOException {
        GeoTiffReader r = open(scene, "scene");
        try {
            bands(r.info(), scene, norm);
            further.check(r);
            return r;
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /**
     * Checks that a scene has every band a run reads.
     *
     * @param info the scene's header
     * @param file the scene (for the message)
     * @param norm the run's normalisation
     * @throws IllegalArgumentException naming the file and the bands it lacks
     */
    public static void bands(RasterInfo info, Path file, Normalization norm) {
        int needed = Arrays.stream(norm.bands()).max().orElse(0) + 1;
        if (info.bands() < needed) {
            throw new IllegalArgumentException(file + ": has " + info.bands() + " band(s) but "
                    + "the run reads bands " + Arrays.toString(norm.bands()) + " (0-based, from "
                    + "its normalization.json), so it needs at least " + needed);
        }
    }

    private static RasterInfo header(Path file, String role) throws IOException {
        try (GeoTiffReader r = open(file, role)) {
            return r.info();
        }
    }

    /** Opens a GeoTIFF, every error naming the file (and what it is for when it is missing). */
    private static GeoTiffReader open(Path file, String role) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(role + " file " + file + ": "
                    + (Files.isDirectory(file) ? "is a folder, not a GeoTIFF" : "no such file"));
        }
        try {
            return GeoTiffReader.open(file);
        } catch (IllegalArgumentException | IOException e) {
            String m = ErrorMessages.oneLine(e);
            throw new IllegalArgumentException(m.contains(file.toString()) ? m
                    : file + ": " + m, e);
        }
    }
}
