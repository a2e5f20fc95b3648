package io.fadconv.data;

import io.fadconv.data.raster.Window;

/**
 * One synthetic place in two periods, rendered window by window: every pixel is a pure function
 * of the seed and its coordinates, so any window of an 8192 x 8192 scene renders without the
 * rest, and the same seed always gives the same values.
 *
 * <p>The land is a warped Voronoi partition into parcels (about 96 px across). Each parcel has a
 * class and its own spectrum, drawn from one distribution for all classes with only small class
 * tendencies, so class mean colours overlap; what separates the classes is texture, that is
 * frequency content:
 * <ul>
 *   <li>farmland (2): crop rows, a sinusoid of period 4-12 px at a random orientation;</li>
 *   <li>built-up (1): a rotated grid of bright roofs with dark shadows, streets and roads;</li>
 *   <li>forest (3): clumpy crowns of 2-4 px, high-frequency;</li>
 *   <li>meadow (4): smooth low-frequency undulation;</li>
 *   <li>water (5): parcels and a river, almost flat;</li>
 *   <li>unlabeled (0): bare soil with medium-scale roughness, 1-2 px parcel boundaries and nodata
 *       triangles at some scene corners (image value 0 = nodata).</li>
 * </ul>
 * In period 2 a share of farmland parcels has become built-up (60%) or forest (40%), and the
 * radiometry differs slightly (gain per band, crop-row contrast), as between two acquisitions.
 */
public final class SyntheticLandscape {

    /** Bands rendered: blue, green, red, near infrared (Gaofen-2 PMS order). */
    public static final int BANDS = 4;

    static final int UNLABELED = 0;
    static final int BUILT_UP = 1;
    static final int FARMLAND = 2;
    static final int FOREST = 3;
    static final int MEADOW = 4;
    static final int WATER = 5;

    private static final int PARCEL = 96;
    private static final int WARP = 14;

    private final long key;
    private final int size;
    private final int cells;
    private final float[] siteX;
    private final float[] siteY;
    private final byte[] class1;
    private final byte[] class2;
    private final float[][] spectrum;
    private final float[] angle;
    private final float[] period;
    private final float[] phase;
    private final float[] amp;
    private final float[] cell;
    private final float[] gain2;
    private final boolean river;
    private final double riverY;
    private final double riverAmp;
    private final double riverWave;
    private final double riverWidth;
    private final double riverPhase;
    private final float[] riverSpectrum;
    private final int cornerA;
    private final int cornerB;

    /**
     * A place.
     *
     * @param seed the dataset seed
     * @param scene the scene index
     * @param size width and height in pixels
     * @param changeFraction share of farmland parcels that change by period 2
     */
    public SyntheticLandscape(long seed, int scene, int size, double changeFraction) {
        this.key = mix(seed * 0x9E3779B97F4A7C15L + scene + 1);
        this.size = size;
        this.cells = size / PARCEL + 3;
        int n = cells * cells;
        siteX = new float[n];
        siteY = new float[n];
        class1 = new byte[n];
        class2 = new byte[n];
        spectrum = new float[n][BANDS];
        angle = new float[n];
        period = new float[n];
        phase = new float[n];
        amp = new float[n];
        cell = new float[n];
        for (int j = 0; j < cells; j++) {
            for (int i = 0; i < cells; i++) {
                int k = j * cells + i;
                siteX[k] = (float) ((i - 1 + 0.15 + 0.7 * u(i, j, 1)) * PARCEL);
                siteY[k] = (float) ((j - 1 + 0.15 + 0.7 * u(i, j, 2)) * PARCEL);
                int c = drawClass(i, j);
                class1[k] = (byte) c;
                class2[k] = (byte) c;
                if (c == FARMLAND && u(i, j, 3) < changeFraction) {
                    class2[k] = (byte) (u(i, j, 4) < 0.6 ? BUILT_UP : FOREST);
                }
                spectrum[k] = drawSpectrum(i, j);
                angle[k] = (float) (Math.PI * u(i, j, 6));
                period[k] = (float) (4 + 8 * u(i, j, 7));
                phase[k] = (float) (2 * Math.PI * u(i, j, 8));
                amp[k] = (float) (0.3 + u(i, j, 9));
                cell[k] = (float) (10 + 8 * u(i, j, 14));
            }
        }
        riverSpectrum = drawSpectrum(-4, -4);
        gain2 = new float[BANDS];
        for (int b = 0; b < BANDS; b++) {
            gain2[b] = (float) (1 + 0.1 * (u(-1, -1, 20 + b) - 0.5));
        }
        river = u(-2, -2, 1) < 0.7;
        riverY = size * (0.2 + 0.6 * u(-2, -2, 2));
        riverAmp = size * 0.08 * u(-2, -2, 3);
        riverWave = 2 * Math.PI / (size * (0.5 + u(-2, -2, 4)));
        riverWidth = 10 + 18 * u(-2, -2, 5);
        riverPhase = 2 * Math.PI * u(-2, -2, 6);
        cornerA = u(-3, -3, 1) < 0.5 ? (int) (size * 0.15 * u(-3, -3, 2)) : 0;
        cornerB = u(-3, -3, 3) < 0.5 ? (int) (size * 0.15 * u(-3, -3, 4)) : 0;
    }

    /**
     * A parcel's spectrum, from one distribution for every class: an earth-tone shape (blue <
     * green < red < NIR) at a random brightness, each band jittered by up to 8%.
     */
    private float[] drawSpectrum(int i, int j) {
        double[] shape = {0.85, 0.95, 1.0, 1.25};
        double brightness = 0.22 + 0.28 * u(i, j, 5);
        float[] sp = new float[BANDS];
        for (int b = 0; b < BANDS; b++) {
            sp[b] = (float) (brightness * shape[b] * (1 + 0.16 * (u(i, j, 10 + b) - 0.5)));
        }
        return sp;
    }

    /** Class of a parcel: mostly by chance, built-up clustered in "towns" of low-frequency noise. */
    private int drawClass(int i, int j) {
        double town = noise(i / 4.0, j / 4.0, 31);
        double r = u(i, j, 0);
        if (town > 0.45 && r < 0.65) {
            return BUILT_UP;
        }
        double[] cum = {0.06, 0.16, 0.56, 0.73, 0.94, 1.0}; // unlabeled, built-up, farmland, ...
        int[] cls = {UNLABELED, BUILT_UP, FARMLAND, FOREST, MEADOW, WATER};
        double q = u(i, j, 15);
        for (int c = 0; c < cum.length; c++) {
            if (q < cum[c]) {
                return cls[c];
            }
        }
        return WATER;
    }

    /**
     * Renders a window of one period.
     *
     * @param w the window
     * @param period2 false for period 1, true for period 2
     * @param classes out: {@code w.pixels()} class ids
     * @param bands out: {@code 4 x w.pixels()} reflectances in (0, 1], band-sequential; exactly
     *     0 marks nodata
     */
    public void render(Window w, boolean period2, int[] classes, float[] bands) {
        int n = (int) w.pixels();
        for (int yy = 0; yy < w.height(); yy++) {
            int y = w.y() + yy;
            for (int xx = 0; xx < w.width(); xx++) {
                int x = w.x() + xx;
                int o = yy * w.width() + xx;
                renderPixel(x, y, period2, o, n, classes, bands);
            }
        }
    }

    private void renderPixel(int x, int y, boolean period2, int o, int n, int[] classes,
            float[] bands) {
        if (x + y < cornerA || (size - 1 - x) + (size - 1 - y) < cornerB) {
            classes[o] = UNLABELED;
            for (int b = 0; b < BANDS; b++) {
                bands[b * n + o] = 0;
            }
            return;
        }
        double wx = x + WARP * noise(x / 70.0, y / 70.0, 41);
        double wy = y + WARP * noise(x / 70.0, y / 70.0, 42);
        int ci = (int) Math.floor(wx / PARCEL) + 1;
        int cj = (int) Math.floor(wy / PARCEL) + 1;
        int best = -1;
        double d1 = Double.MAX_VALUE;
        double d2 = Double.MAX_VALUE;
        for (int dj = -1; dj <= 1; dj++) {
            for (int di = -1; di <= 1; di++) {
                int i = Math.min(cells - 1, Math.max(0, ci + di));
                int j = Math.min(cells - 1, Math.max(0, cj + dj));
                int k = j * cells + i;
                double dx = wx - siteX[k];
                double dy = wy - siteY[k];
                double d = Math.sqrt(dx * dx + dy * dy);
                if (d < d1) {
                    d2 = d1;
                    d1 = d;
                    best = k;
                } else if (d < d2 && k != best) {
                    d2 = d;
                }
            }
        }
        int c = period2 ? class2[best] : class1[best];
        double texture;
        double rowContrast = period2 ? 0.8 : 1.0;
        boolean boundary = (d2 - d1) < 1.6;
        boolean inRiver = false;
        if (river) {
            double centre = riverY + riverAmp * Math.sin(x * riverWave + riverPhase);
            if (Math.abs(y - centre) < riverWidth) {
                c = WATER;
                boundary = false;
                inRiver = true;
            }
        }
        float[] spec = inRiver ? riverSpectrum : spectrum[best];
        if (boundary && c != WATER) {
            c = UNLABELED;
            texture = 0.15 + 0.15 * (hashNoise(x, y, 7) - 0.5);
        } else {
            texture = switch (c) {
                case FARMLAND -> cropRows(x, y, best) * rowContrast;
                case BUILT_UP -> buildings(x, y, best);
                case FOREST -> crowns(x, y);
                case MEADOW -> 0.12 * noise(x / 24.0, y / 24.0, best * 7L + 3)
                        + 0.05 * noise(x / 9.0, y / 9.0, 5);
                case WATER -> 0.04 * noise(x / 64.0, y / 64.0, 9)
                        + 0.015 * Math.sin(0.3 * x + 0.1 * y);
                default -> 0.22 * noise(x / 6.0, y / 6.0, best * 13L + 1)
                        + 0.08 * (hashNoise(x, y, 8) - 0.5);
            };
        }
        classes[o] = c;
        for (int b = 0; b < BANDS; b++) {
            double tendency = switch (c) {
                case FARMLAND, FOREST, MEADOW -> b == 3 ? 0.10 : b == 2 ? -0.04 : 0;
                case WATER -> b == 3 ? -0.12 : b == 0 ? 0.04 : 0;
                case BUILT_UP -> b == 0 ? 0.03 : 0;
                default -> 0;
            };
            double v = (spec[b] + tendency) * (1 + texture) + 0.012 * (hashNoise(x, y, 100 + b) - 0.5);
            if (period2) {
                v *= gain2[b];
            }
            bands[b * n + o] = (float) Math.max(0.004, Math.min(1, v));
        }
    }

    private double cropRows(int x, int y, int k) {
        double a = angle[k];
        double t = (x * Math.cos(a) + y * Math.sin(a)) / period[k];
        double s = Math.sin(2 * Math.PI * t + phase[k]);
        // sharpened sinusoid: rows of plants and darker furrows
        double rows = Math.signum(s) * Math.pow(Math.abs(s), 0.6);
        return 0.3 * amp[k] * rows + 0.03 * (hashNoise(x, y, 11) - 0.5);
    }

    private double buildings(int x, int y, int k) {
        double a = angle[k] * 0.5;
        double ca = Math.cos(a);
        double sa = Math.sin(a);
        double u = x * ca + y * sa;
        double v = -x * sa + y * ca;
        double c = cell[k];
        int bi = (int) Math.floor(u / c);
        int bj = (int) Math.floor(v / c);
        if (Math.floorMod(bi, 5) == 4 || Math.floorMod(bj, 6) == 5) {
            return -0.15 + 0.02 * (hashNoise(x, y, 12) - 0.5); // road
        }
        double fu = u - bi * c;
        double fv = v - bj * c;
        double m0 = 1.5 + 2 * hash01(bi, bj, k, 1);
        double m1 = c - 1.5 - 2 * hash01(bi, bj, k, 2);
        double n0 = 1.5 + 2 * hash01(bi, bj, k, 3);
        double n1 = c - 1.5 - 2 * hash01(bi, bj, k, 4);
        boolean roof = fu >= m0 && fu < m1 && fv >= n0 && fv < n1;
        if (roof) {
            return 0.25 + 0.45 * hash01(bi, bj, k, 5) + 0.03 * (hashNoise(x, y, 13) - 0.5);
        }
        double shadow = 2.5;
        boolean shaded = fu - shadow >= m0 && fu - shadow < m1 && fv - shadow >= n0
                && fv - shadow < n1;
        return shaded ? -0.55 : -0.05 + 0.06 * (hashNoise(x, y, 14) - 0.5);
    }

    private double crowns(int x, int y) {
        double cellSize = 5;
        int ci = (int) Math.floor(x / cellSize);
        int cj = (int) Math.floor(y / cellSize);
        double best = 0;
        for (int dj = -1; dj <= 1; dj++) {
            for (int di = -1; di <= 1; di++) {
                int i = ci + di;
                int j = cj + dj;
                double cx = (i + hash01(i, j, 0, 21)) * cellSize;
                double cy = (j + hash01(i, j, 0, 22)) * cellSize;
                double r = 2 + 1.8 * hash01(i, j, 0, 23);
                double d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (r * r);
                best = Math.max(best, 1 - d2);
            }
        }
        return 0.55 * best - 0.3 + 0.06 * (hashNoise(x, y, 15) - 0.5);
    }

    /** Smooth value noise in [-1, 1] on a unit lattice. */
    double noise(double x, double y, long salt) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        double sx = fx * fx * (3 - 2 * fx);
        double sy = fy * fy * (3 - 2 * fy);
        double a = lattice(x0, y0, salt);
        double b = lattice(x0 + 1, y0, salt);
        double c = lattice(x0, y0 + 1, salt);
        double d = lattice(x0 + 1, y0 + 1, salt);
        return (a + (b - a) * sx) * (1 - sy) + (c + (d - c) * sx) * sy;
    }

    private double lattice(int i, int j, long salt) {
        return 2 * hash01(i, j, salt, 0) - 1;
    }

    private double hashNoise(int x, int y, long salt) {
        return hash01(x, y, salt, 99);
    }

    private double u(int i, int j, long salt) {
        return hash01(i, j, salt, 7);
    }

    private double hash01(long i, long j, long salt, long salt2) {
        long h = mix(key ^ (i * 0x632BE59BD9B4E019L) ^ (j * 0x85157AF5L + 0x9E3779B97F4A7C15L)
                ^ (salt * 0xD6E8FEB86659FD93L) ^ (salt2 * 0xA0761D6478BD642FL));
        return (h >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
