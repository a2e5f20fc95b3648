package io.fadconv.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.data.raster.Window;
import io.fadconv.util.AtomicFiles;
import io.fadconv.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;

/**
 * The input bands a model reads and their per-band normalisation, {@code (v - mean) / std}: a
 * model is trained on, and later applied to, exactly these bands in this order. Statistics come
 * from the training split only ({@link #compute}) and are saved beside the model ({@link #save}).
 *
 * <p>Nodata pixels become 0 (the band mean) after normalisation; NaN or infinite values that are
 * not the file's nodata are an error naming the file, band and pixel.
 *
 * @param bands 0-based band indices of the input files, in model channel order
 * @param mean per selected band
 * @param std per selected band, > 0 (a constant band gets 1)
 */
public record Normalization(int[] bands, double[] mean, double[] std) {

    /** Validates. */
    public Normalization {
        bands = bands.clone();
        mean = mean.clone();
        std = std.clone();
        if (bands.length == 0 || bands.length != mean.length || bands.length != std.length) {
            throw new IllegalArgumentException("normalisation needs one mean and std per band, got "
                    + bands.length + " bands, " + mean.length + " means, " + std.length + " stds");
        }
        for (int i = 0; i < bands.length; i++) {
            if (bands[i] < 0) {
                throw new IllegalArgumentException("band indices are 0-based and >= 0, got "
                        + bands[i]);
            }
            if (!(std[i] > 0) || !Double.isFinite(mean[i]) || !Double.isFinite(std[i])) {
                throw new IllegalArgumentException("band " + bands[i] + ": std must be finite and "
                        + "> 0 and mean finite, got mean " + mean[i] + ", std " + std[i]);
            }
        }
    }

    /**
     * The selected bands.
     *
     * @return 0-based band indices (a copy)
     */
    @Override
    public int[] bands() {
        return bands.clone();
    }

    /**
     * The band means.
     *
     * @return per selected band (a copy)
     */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /**
     * The band standard deviations.
     *
     * @return per selected band (a copy)
     */
    @Override
    public double[] std() {
        return std.clone();
    }

    /**
     * Raw values of the given bands (mean 0, std 1).
     *
     * @param bands 0-based band indices
     * @return the identity normalisation
     */
    public static Normalization identity(int... bands) {
        double[] ones = new double[bands.length];
        Arrays.fill(ones, 1);
        return new Normalization(bands, new double[bands.length], ones);
    }

    /**
     * Per-band mean and standard deviation over the pixels of the given samples (nodata pixels
     * left out), streamed sample by sample: only one sample is in memory at a time.
     *
     * @param samples the training samples
     * @param bands 0-based band indices
     * @param maxSamples use at most this many samples, drawn with {@code seed} (0 = all)
     * @param seed the draw seed
     * @return the normalisation
     * @throws IOException on read failure
     */
    public static Normalization compute(List<Sample> samples, int[] bands, int maxSamples,
            long seed) throws IOException {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples to compute normalisation statistics from");
        }
        List<Sample> use = samples;
        if (maxSamples > 0 && maxSamples < samples.size()) {
            List<Sample> copy = new ArrayList<>(samples);
            Collections.shuffle(copy, new Random(seed));
            use = copy.subList(0, maxSamples);
        }
        int c = bands.length;
        double[] count = new double[c];
        double[] mean = new double[c];
        double[] m2 = new double[c];
        Normalization raw = identity(bands);
        for (Sample s : use) {
            float[] v;
            OptionalDouble nodata;
            try (RasterReader r = RasterReader.open(s.scene().image())) {
                raw.checkBands(r);
                v = r.readWindow(s.window(), bands);
                nodata = r.info().nodata();
            }
            int n = (int) s.window().pixels();
            for (int b = 0; b < c; b++) {
                // Two passes within the sample, then Chan et al.'s merge: stable for 1e9 pixels.
                double sum = 0;
                int k = 0;
                for (int i = b * n; i < (b + 1) * n; i++) {
                    if (raw.valid(v[i], nodata, s, b, i - b * n)) {
                        sum += v[i];
                        k++;
                    }
                }
                if (k == 0) {
                    continue;
                }
                double mu = sum / k;
                double ss = 0;
                for (int i = b * n; i < (b + 1) * n; i++) {
                    if (!isNodata(v[i], nodata)) {
                        double d = v[i] - mu;
                        ss += d * d;
                    }
                }
                double total = count[b] + k;
                double delta = mu - mean[b];
                mean[b] += delta * k / total;
                m2[b] += ss + delta * delta * count[b] * k / total;
                count[b] = total;
            }
        }
        double[] std = new double[c];
        for (int b = 0; b < c; b++) {
            if (count[b] == 0) {
                throw new IllegalArgumentException("band " + bands[b] + " has no valid pixels in "
                        + use.size() + " samples (all nodata)");
            }
            double sd = Math.sqrt(m2[b] / count[b]);
            std[b] = sd > 1e-6 ? sd : 1;
        }
        return new Normalization(bands, mean, std);
    }

    /**
     * The same statistics read from other bands of the scene: input channel {@code i} comes from
     * scene band {@code sceneBands[i]} (e.g. when a scene stores red, green, blue in another
     * order than the training data).
     *
     * @param sceneBands 0-based scene bands, one per input channel
     * @return the remapped normalisation
     * @throws IllegalArgumentException when the count differs from the model's inputs
     */
    public Normalization withBands(int[] sceneBands) {
        if (sceneBands.length != bands.length) {
            throw new IllegalArgumentException("--bands lists " + sceneBands.length
                    + " band(s) but the run reads " + bands.length + " input bands (its "
                    + "normalization.json); give one scene band per input, e.g. --bands "
                    + String.join(",", Arrays.stream(bands).mapToObj(b -> "" + (b + 1)).toList()));
        }
        return new Normalization(sceneBands, mean, std);
    }

    /**
     * The number of input channels.
     *
     * @return bands.length
     */
    public int channels() {
        return bands.length;
    }

    /**
     * Checks that a file has every selected band.
     *
     * @param r an open image
     * @throws IllegalArgumentException naming the file otherwise
     */
    public void checkBands(RasterReader r) {
        int max = Arrays.stream(bands).max().orElse(0);
        if (max >= r.info().bands()) {
            throw new IllegalArgumentException(r.file() + ": has " + r.info().bands()
                    + " band(s) but the band selection " + Arrays.toString(bands) + " needs "
                    + (max + 1) + " (the model expects " + bands.length + " input bands)");
        }
    }

    /**
     * Reads the selected bands of a window and normalises them: what a model sees.
     *
     * @param r an open image
     * @param w the window
     * @return {@code channels x height x width} floats
     * @throws IOException on read failure
     */
    public float[] read(RasterReader r, Window w) throws IOException {
        checkBands(r);
        float[] v = r.readWindow(w, bands);
        apply(v, w, r.info().nodata(), r.file().toString());
        return v;
    }

    /**
     * Normalises band-sequential values of the selected bands in place.
     *
     * @param v {@code channels x pixels} values
     * @param w the window they came from (for messages)
     * @param nodata the file's nodata value
     * @param source the file name (for messages)
     */
    public void apply(float[] v, Window w, OptionalDouble nodata, String source) {
        int n = (int) w.pixels();
        for (int b = 0; b < bands.length; b++) {
            float m = (float) mean[b];
            float inv = (float) (1 / std[b]);
            for (int i = b * n; i < (b + 1) * n; i++) {
                float x = v[i];
                if (isNodata(x, nodata)) {
                    v[i] = 0;
                } else if (!Float.isFinite(x)) {
                    throw nonFinite(source, w, b, i - b * n, x);
                } else {
                    v[i] = (x - m) * inv;
                }
            }
        }
    }

    private boolean valid(float x, OptionalDouble nodata, Sample s, int b, int i) {
        if (isNodata(x, nodata)) {
            return false;
        }
        if (!Float.isFinite(x)) {
            throw nonFinite(s.scene().image().toString(), s.window(), b, i, x);
        }
        return true;
    }

    private IllegalArgumentException nonFinite(String source, Window w, int b, int i, float x) {
        return new IllegalArgumentException(source + ": band " + bands[b] + " pixel (x="
                + (w.x() + i % w.width()) + ", y=" + (w.y() + i / w.width()) + ") is " + x
                + "; set the file's nodata value (gdal_edit.py -a_nodata) or fix the data");
    }

    private static boolean isNodata(float x, OptionalDouble nodata) {
        if (nodata.isEmpty()) {
            return false;
        }
        double nd = nodata.getAsDouble();
        return Double.isNaN(nd) ? Float.isNaN(x) : x == (float) nd;
    }

    /**
     * Writes the normalisation as JSON (atomically).
     *
     * @param file the file
     * @throws IOException on failure
     */
    public void save(Path file) throws IOException {
        ObjectNode root = Json.object();
        Arrays.stream(bands).forEach(root.putArray("bands")::add);
        Arrays.stream(mean).forEach(root.putArray("mean")::add);
        Arrays.stream(std).forEach(root.putArray("std")::add);
        AtomicFiles.writeString(file, Json.pretty(root) + "\n");
    }

    /**
     * Reads a normalisation written by {@link #save}.
     *
     * @param file the file
     * @return the normalisation
     * @throws IOException on read failure
     */
    public static Normalization load(Path file) throws IOException {
        try {
            JsonNode root = Json.MAPPER.readTree(Files.readString(file));
            double[] b = Json.doubles(root, "bands");
            int[] bands = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                bands[i] = (int) b[i];
            }
            return new Normalization(bands, Json.doubles(root, "mean"), Json.doubles(root, "std"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not a normalisation file ("
                    + e.getMessage() + ")", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(bands, n.bands)
                && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bands) * 31 * 31 + Arrays.hashCode(mean) * 31 + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[bands=" + Arrays.toString(bands) + ", mean=" + Arrays.toString(mean)
                + ", std=" + Arrays.toString(std) + "]";
    }
}
