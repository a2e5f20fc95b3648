package io.fadconv.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.engine.ConvLayout;
import io.fadconv.engine.EngineConv;
import io.fadconv.engine.EngineSetup;
import io.fadconv.nn.AdaptivePooling;
import io.fadconv.nn.DctBasis;
import io.fadconv.nn.FrequencyAttention;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The frequency features of Frequency Attention, forward + backward side by side: the two forms
 * this project computes them in (pooling and only the kept DCT coefficients fused, as one matrix
 * product with an {@code [H W, f]} basis or as two products {@code A_h X A_w^T}; the layer uses
 * one product on maps of at most {@link FrequencyAttention#ONE_PRODUCT_MAX_PIXELS} pixels), as
 * the reference computes them (adaptive pooling to p x p, the full p x p DCT, then the crop), and
 * global average pooling as the floor (one pass over the input).
 */
public final class DctBenchmark {

    /**
     * One stage's medians, milliseconds.
     *
     * @param stage the shape
     * @param oneProductMs fused truncated DCT as one product
     * @param twoProductsMs fused truncated DCT as two products
     * @param fullMs pool, full DCT, crop (the reference's way)
     * @param gapMs global average pooling
     */
    public record Row(LayerBenchmark.Stage stage, double oneProductMs, double twoProductsMs,
            double fullMs, double gapMs) {

        /** @return which form the layer uses at this shape */
        public String used() {
            return FrequencyAttention.Form.choose(stage.size(), stage.size())
                    == FrequencyAttention.Form.ONE_PRODUCT ? "one" : "two";
        }
    }

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
                // the layer's forms get the map in the memory order the configuration's
                // convolutions leave it in (channels-last: NHWC), the reference's in NCHW
                NDArray held = EngineSetup.active().layout(true) == ConvLayout.CHANNELS_LAST
                        ? EngineConv.channelsLast(x) : x;
                x.setRequiresGradient(true);
                held.setRequiresGradient(true);
                NDArray pool = m.create(flat(AdaptivePooling.matrix(h, poolSize)),
                        new Shape(poolSize, h));
                NDArray poolT = pool.transpose();
                NDArray basis = m.create(flat(DctBasis.full(poolSize)),
                        new Shape(poolSize, poolSize));
                NDArray basisT = basis.transpose();
                List<Supplier<Double>> runs = List.of(
                        () -> Timing.forwardBackwardMs(m, List.of(held),
                                s -> fat.coefficients(held, FrequencyAttention.Form.ONE_PRODUCT)),
                        () -> Timing.forwardBackwardMs(m, List.of(held),
                                s -> fat.coefficients(held, FrequencyAttention.Form.TWO_PRODUCTS)),
                        () -> Timing.forwardBackwardMs(m, List.of(x), s -> {
                            // [B*C*H, W] x [W, p] -> [B*C, H, p]; [p, H] x . -> [B*C, p, p]
                            NDArray pooled = pool.matMul(x.reshape((long) b * c * h, h)
                                    .matMul(poolT).reshape((long) b * c, h, poolSize));
                            NDArray full = basisT.matMul(pooled).matMul(basis);
                            return full.get(new NDIndex(":, :{}, :{}", low, low));
                        }),
                        () -> Timing.forwardBackwardMs(m, List.of(x),
                                s -> x.reshape(b, c, (long) h * h).mean(new int[] {2})));
                double[][] t = Timing.interleaved(runs, options.warmup(),
                        options.warmupSeconds(), options.rounds());
                rows.add(new Row(st, Timing.median(t[0]), Timing.median(t[1]),
                        Timing.median(t[2]), Timing.median(t[3])));
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
        StringBuilder sb = new StringBuilder("| stage | one product ms | two products ms | "
                + "layer uses | pool + full DCT + crop ms | GAP ms |\n"
                + "|---|---:|---:|---|---:|---:|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %s | %.2f | %.2f |%n",
                    r.stage(), r.oneProductMs(), r.twoProductsMs(), r.used(), r.fullMs(),
                    r.gapMs()));
        }
        return sb.toString();
    }
}
