package io.fadconv.infer;

import io.fadconv.data.ClassScheme;
import io.fadconv.data.raster.ColorMap;
import io.fadconv.data.raster.GeoTiffWriter;
import io.fadconv.data.raster.RasterInfo;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import io.fadconv.data.raster.Window;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cropland non-agriculturalization (CNA) detection: cropland at t1 that is not cropland at t2,
 * split by what it became ({@link ChangeCodes}), from two co-registered class maps, strip by
 * strip with bounded memory. Writes the change map GeoTIFF (the maps' georeferencing, a colour
 * table, nodata 255) and returns the {@link AreaStatistics}.
 *
 * <p>With a minimum mapping unit the maps are read twice: pass 1 finds the loss patches
 * ({@link PatchSieve}, any mix of new classes forms one patch), pass 2 writes the map without the
 * patches smaller than the unit, whose pixels count as no loss.
 *
 * <pre>{@code
 * CnaDetector cna = new CnaDetector(ClassScheme.GID, CnaOptions.defaults()
 *         .withMinPatch(50, PatchSieve.Connectivity.EIGHT));
 * CnaFiles out = new CnaFiles(Path.of("cna"));
 * AreaStatistics s = cna.detectScenes(mapper, t1, t2, Optional.of(trueChange), out,
 *         Map.of(), ProgressListener.NONE);  // predicts both dates, then detect(...)
 * s.save(out.statisticsJson(), out.statisticsCsv());
 * s.lossPixels(); s.hectares(s.lossPixels()); s.metrics().f1();
 * }</pre>
 */
public final class CnaDetector {

    /** Rows read per step. */
    static final int STRIP = 256;

    /** The classes of a true change mask: 0 no change, 1 (or 255) cropland loss. */
    static final ClassScheme TRUTH = new ClassScheme(List.of("no cropland loss", "cropland loss"),
            new int[] {0x000000, 0xFF0000}, 1);

    private final ChangeCodes codes;
    private final CnaOptions options;

    /**
     * A detector.
     *
     * @param classes the classes of the maps (the run's)
     * @param options minimum mapping unit, pixel size
     */
    public CnaDetector(ClassScheme classes, CnaOptions options) {
        this.codes = new ChangeCodes(classes);
        this.options = options;
    }

    /** @return the change codes */
    public ChangeCodes codes() {
        return codes;
    }

    /**
     * Predicts both dates with a run and detects the change, writing the class maps and the
     * change map of {@link CnaFiles} (the PNGs: see io.fadconv.viz). The scenes are not
     * checked here: check them first ({@link SceneCheck#openPair}, which hands them over open
     * so their headers are read once), or a pair that cannot be compared is found only after
     * both dates are mapped.
     *
     * @param mapper the run's mapper
     * @param before the t1 scene (left open)
     * @param after the t2 scene (left open)
     * @param truth a true change mask to evaluate against, or empty
     * @param out the output folder
     * @param inputs extra provenance for the statistics (the run, ...; may be empty)
     * @param progress progress of both predictions and the detection
     * @return the statistics, not saved: the caller saves them once, with the provenance it
     *     records (a batch names the folder its staging folder becomes)
     * @throws IOException on read or write failure
     */
    public AreaStatistics detectScenes(SceneMapper mapper, RasterReader before,
            RasterReader after, Optional<Path> truth, CnaFiles out, Map<String, String> inputs,
            ProgressListener progress) throws IOException {
        mapper.map(before, out.beforeClasses(), progress);
        mapper.map(after, out.afterClasses(), progress);
        Map<String, String> in = new LinkedHashMap<>(inputs);
        in.put("beforeScene", before.file().toString());
        in.put("afterScene", after.file().toString());
        return detect(out.beforeClasses(), out.afterClasses(), truth, out.change(), in,
                progress);
    }

    /**
     * Detects the change between two class maps.
     *
     * @param before the t1 class map
     * @param after the t2 class map
     * @param truth a true change mask (1 or 255 = cropland loss) to evaluate against, or empty
     * @param changeMap the change map to write
     * @param inputs extra provenance for the statistics (may be empty)
     * @param progress strips done
     * @return the statistics
     * @throws IOException on read or write failure
     * @throws IllegalArgumentException when the maps are not co-registered or hold other values
     */
    public AreaStatistics detect(Path before, Path after, Optional<Path> truth, Path changeMap,
            Map<String, String> inputs, ProgressListener progress) throws IOException {
        ClassScheme classes = codes.classes();
        try (ClassMapReader t1 = ClassMapReader.open(before, classes);
                ClassMapReader t2 = ClassMapReader.open(after, classes);
                ClassMapReader tr = truth.isPresent() ? ClassMapReader.open(truth.get(), TRUTH)
                        : null) {
            RasterInfo info = t1.info();
            CoRegistration.check(info, before, t2.info(), after);
            if (tr != null) {
                CoRegistration.check(info, before, tr.info(), truth.get());
            }
            PixelArea area = PixelArea.of(info.geo(), options.pixelSize(), before);
            int w = info.width();
            int h = info.height();
            int strips = (h + STRIP - 1) / STRIP;
            PatchSieve sieve = null;
            int passes = options.minPatch() > 1 ? 2 : 1;
            if (passes == 2) {
                sieve = new PatchSieve(w, options.connectivity(), options.minPatch());
                for (int s = 0; s < strips; s++) {
                    Window win = strip(s, w, h);
                    byte[] mask = lossMask(changeCodes(t1, t2, win));
                    for (int y = 0; y < win.height(); y++) {
                        sieve.scan(mask, y * w);
                    }
                    progress.update(s + 1, 2L * strips, "loss patches");
                }
            }
            Counts n = new Counts(codes.count());
            RasterSpec spec = RasterSpec.of(w, h, 1, SampleType.UINT8).withGeo(info.geo())
                    .withColorMap(ColorMap.of(codes.colors())).withNodata(ChangeCodes.NODATA);
            try (GeoTiffWriter out = GeoTiffWriter.create(changeMap, spec)) {
                for (int s = 0; s < strips; s++) {
                    Window win = strip(s, w, h);
                    int[] c1 = t1.read(win);
                    int[] c2 = t2.read(win);
                    byte[] change = codes(c1, c2);
                    if (sieve != null) {
                        byte[] mask = lossMask(change);
                        for (int y = 0; y < win.height(); y++) {
                            sieve.sieve(mask, y * w);
                        }
                        for (int i = 0; i < change.length; i++) {
                            if (mask[i] == 0 && codes.isLoss(change[i] & 0xFF)) {
                                change[i] = ChangeCodes.NONE;
                            }
                        }
                    }
                    n.add(c1, c2, change, tr == null ? null : tr.read(win), classes.cropland());
                    out.writeWindow(win, change);
                    progress.update((long) (passes - 1) * strips + s + 1, (long) passes * strips,
                            "change map");
                }
                out.commit();
            }
            Map<String, String> in = new LinkedHashMap<>(inputs);
            in.put("beforeClasses", before.toString());
            in.put("afterClasses", after.toString());
            truth.ifPresent(t -> in.put("truth", t.toString()));
            AreaStatistics.Sieve sv = sieve == null
                    ? new AreaStatistics.Sieve(options.minPatch(),
                            options.connectivity().neighbours(), 0, 0, 0)
                    : new AreaStatistics.Sieve(options.minPatch(),
                            options.connectivity().neighbours(), sieve.patches(),
                            sieve.removedPatches(), sieve.removedPixels());
            return new AreaStatistics(codes, area, n.perCode, n.nodata, n.cropBefore,
                    n.cropAfter, n.gain, sv, tr == null ? null : n.metrics(), in);
        }
    }

    private static Window strip(int s, int width, int height) {
        int y = s * STRIP;
        return new Window(0, y, width, Math.min(STRIP, height - y));
    }

    private byte[] changeCodes(ClassMapReader t1, ClassMapReader t2, Window w)
            throws IOException {
        return codes(t1.read(w), t2.read(w));
    }

    private byte[] codes(int[] c1, int[] c2) {
        byte[] change = new byte[c1.length];
        for (int i = 0; i < c1.length; i++) {
            change[i] = (byte) codes.code(c1[i], c2[i]);
        }
        return change;
    }

    private byte[] lossMask(byte[] change) {
        byte[] mask = new byte[change.length];
        for (int i = 0; i < change.length; i++) {
            mask[i] = (byte) (codes.isLoss(change[i] & 0xFF) ? 1 : 0);
        }
        return mask;
    }

    /** Running totals of pass 2. */
    private final class Counts {
        final long[] perCode;
        long nodata;
        long cropBefore;
        long cropAfter;
        long gain;
        long tp;
        long fp;
        long fn;
        long tn;
        long excluded;

        Counts(int n) {
            perCode = new long[n];
        }

        void add(int[] c1, int[] c2, byte[] change, int[] truth, int crop) {
            for (int i = 0; i < change.length; i++) {
                int code = change[i] & 0xFF;
                if (code == ChangeCodes.NODATA) {
                    nodata++;
                } else {
                    perCode[code]++;
                    cropBefore += c1[i] == crop ? 1 : 0;
                    cropAfter += c2[i] == crop ? 1 : 0;
                    gain += c1[i] != crop && c2[i] == crop ? 1 : 0;
                }
                if (truth != null) {
                    if (code == ChangeCodes.NODATA || truth[i] == ChangeCodes.NODATA) {
                        excluded++;
                        continue;
                    }
                    boolean detected = codes.isLoss(code);
                    boolean real = truth[i] == 1;
                    if (detected && real) {
                        tp++;
                    } else if (detected) {
                        fp++;
                    } else if (real) {
                        fn++;
                    } else {
                        tn++;
                    }
                }
            }
        }

        ChangeMetrics metrics() {
            return new ChangeMetrics(tp, fp, fn, tn, excluded);
        }
    }
}
