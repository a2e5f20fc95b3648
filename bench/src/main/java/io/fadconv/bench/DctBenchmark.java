package io.fadconv.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.nn.AdaptivePooling;
import io.fadconv.nn.DctBasis;
import io.fadconv.nn.FrequencyAttention;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The frequency features of Frequency Attention two ways, forward + backward side by side: as
 * this project computes them (pooling and only the kept DCT rows fused into two small matrix
 * products) and as the reference does (adaptive pooling to p x p, the full p x p DCT, then the
 * crop), with global average pooling as the floor (one pass over the input).
 */
public final class DctBenchmark {

    /**
     * One stage's medians, milliseconds.
     *
     * @param stage the shape
     * @param truncatedMs fused truncated DCT (ours)
     * @param fullMs pool, full DCT, crop (the reference's way)
     * @param gapMs global average pooling
     */
    public record Row(LayerBenchmark.Stage stage, double truncatedMs, double fullMs, double gapMs) {}

    private DctBenchmark() {}

    /**
     * Measures each stage.
     *
     * @param stages shapes
     * @param options batch, warmup, rounds
     * @param poolSize p
     * @param low n
     * @return rows
     */
    public static List<Row> run(List<LayerBenchmark.Stage> stages, LayerBenchmark.Options options,
            int poolSize, int low) {
        List<Row> rows = new ArrayList<>();
        FrequencyAttention fat = FrequencyAttention.builder().optPoolSize(poolSize)
                .optLowFrequencies(low).build();
        for (LayerBenchmark.Stage st : stages) {
            try (NDManager m = Djl.engine().newBaseManager()) {
                int b = options.batch();
                int c = st.channels();
                int h = st.size();
                NDArray x = m.randomNormal(new Shape(b, c, h, h));
                x.setRequiresGradient(true);
                NDArray pool = m.create(flat(AdaptivePooling.matrix(h, poolSize)),
                        new Shape(poolSize, h));
                NDArray poolT = pool.transpose();
                NDArray basis = m.create(flat(DctBasis.full(poolSize)),
                        new Shape(poolSize, poolSize));
                NDArray basisT = basis.transpose();
                List<Supplier<Double>> runs = List.of(
                        () -> Timing.forwardBackwardMs(m, List.of(x), s -> fat.coefficients(x)),
                        () -> Timing.forwardBackwardMs(m, List.of(x), s -> {
                            // [B*C*H, W] x [W, p] -> [B*C, H, p]; [p, H] x . -> [B*C, p, p]
                            NDArray pooled = pool.matMul(x.reshape((long) b * c * h, h)
                                    .matMul(poolT).reshape((long) b * c, h, poolSize));
                            NDArray full = basisT.matMul(pooled).matMul(basis);
                            return full.get(new NDIndex(":, :{}, :{}", low, low));
                        }),
                        () -> Timing.forwardBackwardMs(m, List.of(x),
                                s -> x.reshape(b, c, (long) h * h).mean(new int[] {2})));
                double[][] t = Timing.interleaved(runs, options.warmup(), options.rounds());
                rows.add(new Row(st, Timing.median(t[0]), Timing.median(t[1]),
                        Timing.median(t[2])));
            }
        }
        return rows;
    }

    private static float[] flat(double[][] a) {
        float[] f = new float[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                f[i * a[0].length + j] = (float) a[i][j];
            }
        }
        return f;
    }

    /**
     * Formats rows as a markdown table.
     *
     * @param rows the rows
     * @return the table
     */
    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| stage | truncated, fused (ours) ms | pool + full "
                + "DCT + crop ms | GAP ms |\n|---|---:|---:|---:|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f |%n", r.stage(),
                    r.truncatedMs(), r.fullMs(), r.gapMs()));
        }
        return sb.toString();
    }
}
