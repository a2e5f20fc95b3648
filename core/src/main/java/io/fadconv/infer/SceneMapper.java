package io.fadconv.infer;

import io.fadconv.data.ClassScheme;
import io.fadconv.data.raster.ColorMap;
import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.RasterInfo;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import io.fadconv.data.raster.Window;
import io.fadconv.run.RunFolder;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Maps scenes with a trained run: class map GeoTIFFs written strip by strip (uint8 class ids, the
 * scene's georeferencing, the run's class colours as a colour table, {@value ClassStrips#NODATA}
 * where the scene has no data), or small class maps in memory.
 *
 * <pre>{@code
 * try (NDManager m = NDManager.newBaseManager()) {
 *     RunFolder.Trained run = new RunFolder(Path.of("runs/gid-fadconv")).open(m, 512);
 *     SceneMapper mapper = new SceneMapper(run, PredictOptions.defaults());
 *     SceneMapper.Result r = mapper.map(Path.of("scene.tif"), Path.of("classes.tif"),
 *             ProgressListener.NONE);
 * }
 * }</pre>
 */
public final class SceneMapper {

    /** In-memory maps are for tiles and small scenes: at most this many pixels. */
    public static final long MAX_IN_MEMORY_PIXELS = 1L << 26;

    private final SlidingWindowPredictor predictor;
    private final ClassScheme classes;

    /**
     * What mapping a scene produced.
     *
     * @param scene the input
     * @param classMap the class map written
     * @param width scene columns
     * @param height scene rows
     * @param windows model windows run
     * @param classPixels pixels per class id
     * @param nodataPixels pixels without data
     * @param seconds wall time
     */
    public record Result(Path scene, Path classMap, int width, int height, int windows,
            long[] classPixels, long nodataPixels, double seconds) {

        /** @return megapixels per second */
        public double megapixelsPerSecond() {
            return (double) width * height / 1e6 / seconds;
        }
    }

    /**
     * A mapper.
     *
     * @param run the opened run
     * @param options window, margin, batch
     */
    public SceneMapper(RunFolder.Trained run, PredictOptions options) {
        this.predictor = SlidingWindowPredictor.of(run, options);
        this.classes = run.info().classes();
    }

    /** @return the run's classes */
    public ClassScheme classes() {
        return classes;
    }

    /** @return the predictor */
    public SlidingWindowPredictor predictor() {
        return predictor;
    }

    /**
     * Predicts a scene into a class map GeoTIFF (atomically: nothing appears at {@code out} on
     * failure).
     *
     * @param scene the scene
     * @param out the class map to write
     * @param progress window progress
     * @return what was written
     * @throws IOException on read or write failure
     */
    public Result map(Path scene, Path out, ProgressListener progress) throws IOException {
        try (RasterReader in = RasterReader.open(scene)) {
            return map(in, out, progress);
        }
    }

    /**
     * Predicts an open scene into a class map GeoTIFF (atomically), for a caller that opened it
     * to check it ({@link SceneCheck#open}) and so reads its header once.
     *
     * @param in the open scene (not closed here)
     * @param out the class map to write
     * @param progress window progress
     * @return what was written
     * @throws IOException on read or write failure
     */
    public Result map(RasterReader in, Path out, ProgressListener progress) throws IOException {
        long start = System.nanoTime();
        RasterInfo info = in.info();
        RasterSpec spec = RasterSpec.of(info.width(), info.height(), 1, SampleType.UINT8)
                .withGeo(info.geo()).withColorMap(ColorMap.of(classes.colors()))
                .withNodata(ClassStrips.NODATA);
        long[] counts = new long[256];
        try (GeoTiffWriter w = GeoTiffWriter.create(out, spec)) {
            ClassStrips strips = new ClassStrips(info.width(), predictor.outputChannels(),
                    (strip, values) -> {
                        w.writeWindow(strip, values);
                        for (byte v : values) {
                            counts[v & 0xFF]++;
                        }
                    });
            predictor.predict(in, strips, progress);
            strips.finish();
            w.commit();
        }
        long[] perClass = java.util.Arrays.copyOf(counts, classes.classes());
        return new Result(in.file(), out, info.width(), info.height(),
                predictor.plan(info).count(), perClass, counts[ClassStrips.NODATA],
                (System.nanoTime() - start) / 1e9);
    }

    /**
     * Predicts a tile or small scene into memory.
     *
     * @param image the raster
     * @return {@code height x width} class ids (row-major, 0..255 as unsigned bytes)
     * @throws IOException on read failure
     * @throws IllegalArgumentException when the raster has more than
     *     {@link #MAX_IN_MEMORY_PIXELS} pixels
     */
    public byte[] classes(Path image) throws IOException {
        try (RasterReader in = RasterReader.open(image)) {
            RasterInfo info = in.info();
            if (info.extent().pixels() > MAX_IN_MEMORY_PIXELS) {
                throw new IllegalArgumentException(image + ": " + info.width() + "x"
                        + info.height() + " is too large to map in memory; write a class map "
                        + "GeoTIFF (SceneMapper.map / fadconv predict) instead");
            }
            byte[] map = new byte[(int) info.extent().pixels()];
            ClassStrips strips = new ClassStrips(info.width(), predictor.outputChannels(),
                    (Window strip, byte[] values) -> System.arraycopy(values, 0, map,
                            strip.y() * info.width(), values.length));
            predictor.predict(in, strips, ProgressListener.NONE);
            strips.finish();
            return map;
        }
    }
}
