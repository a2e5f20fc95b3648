package io.fadconv.infer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.data.ClassScheme;
import io.fadconv.data.Normalization;
import io.fadconv.data.SyntheticLandscape;
import io.fadconv.data.raster.GeoReference;
import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import io.fadconv.data.raster.Window;
import io.fadconv.model.ModelSpec;
import io.fadconv.model.Models;
import io.fadconv.model.SegmentationModel;
import io.fadconv.run.RunFolder;
import io.fadconv.run.RunInfo;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Run folders and scenes for mapping tests: a tiny resnet18x0.25-unet with seeded random
 * weights (the windowing, georeferencing and statistics logic does not need a good model), and
 * synthetic landscapes written as georeferenced uint16 GeoTIFFs.
 */
public final class TestRuns {

    /** UTM 50N, 0.8 m pixels, as the synthetic dataset. */
    public static final GeoReference GEO =
            GeoReference.projected(32650, 400000, 3400000, 0.8, "WGS 84 / UTM zone 50N");

    /** Pixels with x + y below this are nodata in {@link #scene} rasters. */
    public static final int NODATA_CORNER = 24;

    private TestRuns() {}

    /**
     * Writes a run folder with a freshly initialised model.
     *
     * @param dir the folder
     * @param conv the convolution spec (static, fadconv:p=8, ...)
     * @param classes the class scheme (its class count is the model's output count unless
     *     binaryLogit)
     * @param binaryLogit one output logit (needs a two-class scheme)
     * @param seed weight seed
     * @return the folder
     * @throws IOException on write failure
     */
    public static RunFolder write(Path dir, String conv, ClassScheme classes, boolean binaryLogit,
            long seed) throws IOException {
        int bands = SyntheticLandscape.BANDS;
        ModelSpec spec = ModelSpec.of("resnet18x0.25-unet", conv, bands,
                binaryLogit ? 1 : classes.classes());
        RunFolder folder = new RunFolder(dir);
        SegmentationModel model = Models.create(spec);
        try (NDManager m = Djl.engine().newBaseManager()) {
            Djl.seed(seed);
            model.initialize(m, DataType.FLOAT32, new Shape(1, bands, 64, 64));
            java.nio.file.Files.createDirectories(dir);
            model.save(folder.bestWeights());
        }
        new RunInfo(spec, "synthetic", classes, 0).save(folder.info());
        new Normalization(new int[] {0, 1, 2, 3}, new double[] {300, 320, 310, 400},
                new double[] {120, 110, 130, 150}).save(folder.normalization());
        return folder;
    }

    /**
     * A GID-classes run with a static or dynamic convolution.
     *
     * @param dir the folder
     * @param conv the convolution spec
     * @return the folder
     * @throws IOException on write failure
     */
    public static RunFolder gid(Path dir, String conv) throws IOException {
        return write(dir, conv, ClassScheme.GID, false, 7);
    }

    /**
     * Writes a window of a synthetic landscape as a 4-band uint16 GeoTIFF (values 0..1000, 0 =
     * nodata) in 64-pixel tiles, with a
     * nodata triangle ({@link #NODATA_CORNER}) at the top left.
     *
     * @param file the file
     * @param width columns
     * @param height rows
     * @param seed landscape seed
     * @param period2 the second period
     * @return the period's class ids, row-major
     * @throws IOException on write failure
     */
    public static int[] scene(Path file, int width, int height, long seed, boolean period2)
            throws IOException {
        SyntheticLandscape land = new SyntheticLandscape(seed, 0, Math.max(width, height), 0.5);
        Window w = new Window(0, 0, width, height);
        int n = (int) w.pixels();
        int[] cls = new int[n];
        float[] refl = new float[SyntheticLandscape.BANDS * n];
        land.render(w, period2, cls, refl);
        for (int i = 0; i < refl.length; i++) {
            refl[i] = refl[i] == 0 ? 0 : Math.max(1, Math.round(refl[i] * 1000));
        }
        // A nodata triangle in the top-left corner, as scenes cut from a swath have.
        for (int y = 0; y < height; y++) {
            for (int x = 0; x + y < NODATA_CORNER && x < width; x++) {
                for (int b = 0; b < SyntheticLandscape.BANDS; b++) {
                    refl[b * n + y * width + x] = 0;
                }
            }
        }
        GeoTiffWriter.write(file, RasterSpec.of(width, height, SyntheticLandscape.BANDS,
                SampleType.UINT16).withGeo(GEO).withNodata(0).withTileSize(64), refl);
        return cls;
    }
}
