package io.fadconv.data;

import io.fadconv.data.raster.RasterReader;
import io.fadconv.data.raster.Window;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Checks that a scene suits a trained run before it is mapped: which bands are read, and whether
 * the scene's per-band statistics, measured on a sample of windows, lie far outside the run's
 * training normalisation (another bit depth, another band order, another sensor). A model fed
 * such values answers with confidence and nonsense, so this is said before mapping.
 *
 * @param notes what the user should know (e.g. which bands of a larger scene are used)
 * @param warnings where the scene looks unlike the training data, with the numbers and the likely
 *     cause
 */
public record InputCheck(List<String> notes, List<String> warnings) {

    /** A band is far off when its mean lies more than this many training deviations away. */
    public static final double MAX_MEAN_SHIFT = 2.0;
    /** ... or its spread differs from the training spread by more than this factor. */
    public static final double MAX_SPREAD_RATIO = 4.0;
    /** Misfit (squared deviations, see {@link #cost}) below which the band order is not questioned. */
    static final double MIN_ORDER_MISFIT = 1.0;
    /** Windows sampled per scene (on a grid over the whole scene). */
    static final int GRID = 4;
    static final int WINDOW = 256;

    /** Copies the lists. */
    public InputCheck {
        notes = List.copyOf(notes);
        warnings = List.copyOf(warnings);
    }

    /**
     * Per-band mean and standard deviation of a scene, nodata left out, measured on up to
     * {@value #GRID} x {@value #GRID} windows of {@value #WINDOW} pixels spread over the scene.
     *
     * @param scene the scene
     * @param bands 0-based bands
     * @return {@code [mean[], std[]]}
     * @throws IOException on read failure
     */
    static double[][] sample(RasterReader scene, int[] bands) throws IOException {
        int w = scene.info().width();
        int h = scene.info().height();
        int ww = Math.min(WINDOW, w);
        int wh = Math.min(WINDOW, h);
        OptionalDouble nodata = scene.info().nodata();
        double[] sum = new double[bands.length];
        double[] sq = new double[bands.length];
        long[] n = new long[bands.length];
        for (int gy = 0; gy < GRID; gy++) {
            for (int gx = 0; gx < GRID; gx++) {
                int x = (int) ((long) (w - ww) * gx / Math.max(1, GRID - 1));
                int y = (int) ((long) (h - wh) * gy / Math.max(1, GRID - 1));
                Window win = new Window(x, y, ww, wh);
                float[] v = scene.readWindow(win, bands);
                int px = (int) win.pixels();
                for (int b = 0; b < bands.length; b++) {
                    for (int i = b * px; i < (b + 1) * px; i++) {
                        float f = v[i];
                        boolean missing = nodata.isPresent() && (Double.isNaN(nodata.getAsDouble())
                                ? Float.isNaN(f) : f == (float) nodata.getAsDouble());
                        if (!missing && Float.isFinite(f)) {
                            sum[b] += f;
                            sq[b] += (double) f * f;
                            n[b]++;
                        }
                    }
                }
                if (w <= WINDOW && h <= WINDOW) {
                    gy = GRID; // one window holds the whole scene
                    break;
                }
            }
        }
        double[] mean = new double[bands.length];
        double[] std = new double[bands.length];
        for (int b = 0; b < bands.length; b++) {
            mean[b] = n[b] == 0 ? Double.NaN : sum[b] / n[b];
            std[b] = n[b] == 0 ? Double.NaN : Math.sqrt(Math.max(0, sq[b] / n[b] - mean[b] * mean[b]));
        }
        return new double[][] {mean, std};
    }

    /**
     * Checks a scene against the normalisation a run was trained with (its band selection
     * already mapped to the scene's bands).
     *
     * @param scene the open scene
     * @param run the run's normalisation, bands as the scene will be read
     * @return notes and warnings, each starting with the scene's file name
     * @throws IOException on read failure
     */
    public static InputCheck of(RasterReader scene, Normalization run) throws IOException {
        if (Arrays.stream(run.bands()).max().orElse(0) >= scene.info().bands()) {
            return new InputCheck(List.of(), List.of()); // the mapper says what is missing
        }
        String file = scene.file().toString();
        List<String> notes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        int[] used = run.bands();
        if (scene.info().bands() > used.length) {
            notes.add(file + ": the scene has " + scene.info().bands() + " bands; the run reads "
                    + used.length + " of them, bands " + oneBased(used) + " (1-based) as its "
                    + "inputs 1.." + used.length + " (choose others with --bands)");
        }
        double[][] stats = sample(scene, used);
        double[] runMean = run.mean();
        double[] runStd = run.std();
        List<String> off = new ArrayList<>();
        int lower = 0;
        int higher = 0;
        for (int c = 0; c < used.length; c++) {
            double m = stats[0][c];
            double s = stats[1][c];
            if (Double.isNaN(m)) {
                continue;
            }
            double shift = (m - runMean[c]) / runStd[c];
            double ratio = s / runStd[c];
            if (Math.abs(shift) > MAX_MEAN_SHIFT || ratio > MAX_SPREAD_RATIO
                    || ratio < 1 / MAX_SPREAD_RATIO) {
                lower += shift < 0 ? 1 : 0;
                higher += shift > 0 ? 1 : 0;
                off.add(describe(used[c], m, s, runMean[c], runStd[c]));
            }
        }
        int[] better = bestOrder(scene, run);
        if (!off.isEmpty() || better != null) {
            if (off.isEmpty()) {
                for (int c = 0; c < used.length; c++) {
                    off.add(describe(used[c], stats[0][c], stats[1][c], runMean[c], runStd[c]));
                }
            }
            String cause;
            if (better != null) {
                String list = oneBased(better).replace(" ", "");
                cause = "another band order: the scene's bands " + list + " match the run's "
                        + "inputs best (try --bands " + list.replaceAll("[\\[\\]]", "") + ")";
            } else if (off.size() > 1 && (lower == off.size() || higher == off.size())) {
                cause = "another bit depth or radiometric scaling (the scene holds "
                        + scene.info().sampleType().gdalName() + " values, all bands "
                        + (lower == off.size() ? "lower" : "higher") + " than in training)";
            } else {
                cause = "another sensor or processing level than the run was trained on";
            }
            warnings.add(file + ": its band statistics lie far from the run's training "
                    + "normalisation: " + String.join("; ", off) + ". Likely cause: " + cause);
        }
        return new InputCheck(notes, warnings);
    }

    private static String describe(int band, double mean, double std, double runMean,
            double runStd) {
        return String.format(Locale.ROOT, "band %d mean %.1f (run %.1f, %+.1f std), std %.1f "
                + "(run %.1f)", band + 1, mean, runMean, (mean - runMean) / runStd, std, runStd);
    }

    /**
     * The assignment of scene bands to the run's inputs that fits the training statistics
     * clearly better than the current one (a quarter of its misfit, and the current misfit at
     * least {@value #MIN_ORDER_MISFIT}), or null.
     */
    private static int[] bestOrder(RasterReader scene, Normalization run) throws IOException {
        int bands = scene.info().bands();
        if (bands > 8) {
            return null; // too many orders to try; the per-band check still speaks
        }
        int[] all = new int[bands];
        Arrays.setAll(all, i -> i);
        double[][] stats = sample(scene, all);
        double[] mean = run.mean();
        double[] std = run.std();
        int k = mean.length;
        int[] current = run.bands();
        double currentCost = cost(current, stats, mean, std);
        double[] bestCost = {currentCost};
        int[][] best = {null};
        search(0, new int[k], new boolean[bands], stats, mean, std, bestCost, best);
        // only a clearly better order is worth naming
        return best[0] != null && currentCost >= MIN_ORDER_MISFIT && bestCost[0] < currentCost / 4
                ? best[0] : null;
    }

    private static void search(int i, int[] perm, boolean[] taken, double[][] stats,
            double[] mean, double[] std, double[] bestCost, int[][] best) {
        if (i == perm.length) {
            double c = cost(perm, stats, mean, std);
            if (c < bestCost[0]) {
                bestCost[0] = c;
                best[0] = perm.clone();
            }
            return;
        }
        for (int b = 0; b < taken.length; b++) {
            if (!taken[b]) {
                taken[b] = true;
                perm[i] = b;
                search(i + 1, perm, taken, stats, mean, std, bestCost, best);
                taken[b] = false;
            }
        }
    }

    /**
     * The misfit of an assignment: squared mean shifts in training deviations plus squared log
     * ratios of the spreads, summed over the inputs.
     */
    private static double cost(int[] sceneBands, double[][] stats, double[] mean, double[] std) {
        double c = 0;
        for (int i = 0; i < sceneBands.length; i++) {
            double z = (stats[0][sceneBands[i]] - mean[i]) / std[i];
            double r = Math.log(stats[1][sceneBands[i]] / std[i]);
            c += (Double.isNaN(z) ? 0 : z * z) + (Double.isFinite(r) ? r * r : 0);
        }
        return c;
    }

    private static String oneBased(int[] bands) {
        int[] one = Arrays.stream(bands).map(b -> b + 1).toArray();
        return Arrays.toString(one);
    }
}
