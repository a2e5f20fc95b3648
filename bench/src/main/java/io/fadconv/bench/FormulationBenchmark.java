package io.fadconv.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.engine.EngineConv;
import io.fadconv.nn.DynamicConv2d;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The ways to run a convolution whose kernel differs per sample, timed side by side against a
 * static convolution (forward + backward, 3 x 3, K experts mixed by given weights). The library
 * uses {@link DynamicConv2d#conv2d} (one grouped convolution over the batch); this runner is the
 * evidence for that choice, rerunnable on any machine:
 *
 * <ul>
 *   <li>{@code grouped}: the batch folded into channels, groups = B (the reference's way);
 *   <li>{@code per-sample}: B convolutions of batch 1, concatenated;
 *   <li>{@code expert-sum}: one convolution with all K experts, outputs mixed per sample (K
 *       times the work of a static convolution);
 *   <li>{@code im2col-bmm}: the input unfolded by slicing, then one batched matrix product.
 * </ul>
 */
public final class FormulationBenchmark {

    /** The candidates, in report order. */
    public static final List<String> CANDIDATES =
            List.of("static", "grouped", "per-sample", "expert-sum", "im2col-bmm");

    /**
     * One stage's medians.
     *
     * @param stage the shape
     * @param medianMs median fwd+bwd time per candidate, in {@link #CANDIDATES} order
     */
    public record Row(LayerBenchmark.Stage stage, double[] medianMs) {}

    private FormulationBenchmark() {}

    /**
     * Runs every candidate at every stage.
     *
     * @param stages shapes
     * @param options batch, warmup, rounds
     * @param experts K
     * @param progress receives a line per stage
     * @return rows
     */
    public static List<Row> run(List<LayerBenchmark.Stage> stages, LayerBenchmark.Options options,
            int experts, java.util.function.Consumer<String> progress) {
        Djl.seed(0);
        List<Row> rows = new ArrayList<>();
        for (LayerBenchmark.Stage st : stages) {
            try (NDManager m = Djl.engine().newBaseManager()) {
                int b = options.batch();
                int c = st.channels();
                int h = st.size();
                NDArray x = m.randomNormal(new Shape(b, c, h, h));
                NDArray w = m.randomNormal(new Shape(c, c, 3, 3)).mul(0.01);
                NDArray ex = m.randomNormal(new Shape(experts, c, c, 3, 3)).mul(0.01);
                NDArray att = m.randomUniform(0, 1, new Shape(b, experts));
                List<NDArray> leaves = List.of(x, w, ex, att);
                leaves.forEach(a -> a.setRequiresGradient(true));
                Map<String, Function<NDManager, NDArray>> f = candidates(x, w, ex, att);
                List<Supplier<Double>> runs = new ArrayList<>();
                for (String name : CANDIDATES) {
                    runs.add(() -> Timing.forwardBackwardMs(m, leaves, f.get(name)));
                }
                double[][] t = Timing.interleaved(runs, options.warmup(), options.rounds());
                double[] med = new double[t.length];
                for (int i = 0; i < t.length; i++) {
                    med[i] = Timing.median(t[i]);
                }
                rows.add(new Row(st, med));
                progress.accept("measured " + st);
            }
        }
        return rows;
    }

    private static Map<String, Function<NDManager, NDArray>> candidates(NDArray x, NDArray w,
            NDArray ex, NDArray att) {
        Shape xs = x.getShape();
        long b = xs.get(0);
        long c = xs.get(1);
        long h = xs.get(2);
        long k = ex.getShape().get(0);
        Shape one = new Shape(1, 1);
        Map<String, Function<NDManager, NDArray>> f = new LinkedHashMap<>();
        f.put("static", s -> EngineConv.conv2d(x, w, null, one, one, one, 1));
        f.put("grouped", s -> DynamicConv2d.conv2d(x, DynamicConv2d.mix(att, ex), null, one, one,
                one, 1));
        f.put("per-sample", s -> {
            NDArray kernels = DynamicConv2d.mix(att, ex);
            NDList outs = new NDList();
            for (long i = 0; i < b; i++) {
                outs.add(EngineConv.conv2d(x.get(new NDIndex("{}:{}", i, i + 1)), kernels.get(i),
                        null, one, one, one, 1));
            }
            return NDArrays.concat(outs, 0);
        });
        f.put("expert-sum", s -> {
            NDArray y = EngineConv.conv2d(x, ex.reshape(k * c, c, 3, 3), null, one, one, one, 1);
            return att.reshape(b, 1, k).batchMatMul(y.reshape(b, k, c * h * h))
                    .reshape(b, c, h, h);
        });
        f.put("im2col-bmm", s -> {
            NDArray kernels = DynamicConv2d.mix(att, ex).reshape(b, c, c * 9);
            NDArray padded = x.pad(new Shape(1, 1, 1, 1), 0);
            NDList cols = new NDList();
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    cols.add(padded.get(new NDIndex(":, :, {}:{}, {}:{}", i, i + h, j, j + h)));
                }
            }
            NDArray col = NDArrays.stack(cols, 2).reshape(b, c * 9, h * h);
            return kernels.batchMatMul(col).reshape(b, c, h, h);
        });
        return f;
    }

    /**
     * Formats rows as a markdown table of milliseconds and ratios to static.
     *
     * @param rows the rows
     * @return the table
     */
    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| stage |");
        CANDIDATES.forEach(n -> sb.append(' ').append(n).append(" |"));
        sb.append("\n|---|");
        CANDIDATES.forEach(n -> sb.append("---:|"));
        sb.append('\n');
        for (Row r : rows) {
            sb.append("| ").append(r.stage()).append(" |");
            for (double v : r.medianMs()) {
                sb.append(String.format(Locale.ROOT, " %.1f ms (%.2fx) |", v, v / r.medianMs()[0]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
