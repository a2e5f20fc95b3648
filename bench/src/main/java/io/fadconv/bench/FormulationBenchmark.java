package io.fadconv.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.engine.ConvLayout;
import io.fadconv.engine.EngineConv;
import io.fadconv.engine.EngineSetup;
import io.fadconv.engine.KernelMemory;
import io.fadconv.nn.DynamicConv2d;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The strategies of {@link DynamicConv2d#mixture} (K experts mixed per sample, 3 x 3), timed side
 * by side against a static convolution, forward + backward (or the forward alone, as inference
 * runs it), on input in the memory layout the configuration's convolutions leave it in (as a
 * network's previous layer hands it over): the same code the library runs and
 * {@link io.fadconv.nn.ConvTuner} chooses among, rerunnable on any machine ({@code fadconv bench
 * formulations}).
 */
public final class FormulationBenchmark {

    /** The candidates, in report order: the static baseline, then every strategy. */
    public static final List<String> CANDIDATES = candidates();

    /**
     * One stage's medians.
     *
     * @param stage the shape
     * @param medianMs median fwd+bwd time per candidate, in {@link #CANDIDATES} order
     */
    public record Row(LayerBenchmark.Stage stage, double[] medianMs) {}

    private FormulationBenchmark() {}

    private static List<String> candidates() {
        List<String> c = new ArrayList<>(List.of("static"));
        for (DynamicConv2d.Strategy s : DynamicConv2d.Strategy.values()) {
            c.add(s.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return List.copyOf(c);
    }

    /**
     * Runs every candidate at every stage.
     *
     * @param stages shapes
     * @param options batch, warmup, rounds
     * @param experts K
     * @param inference time the forward alone with gradients off (else forward and backward)
     * @param progress receives a line per stage
     * @return rows
     */
    public static List<Row> run(List<LayerBenchmark.Stage> stages, LayerBenchmark.Options options,
            int experts, boolean inference, java.util.function.Consumer<String> progress) {
        Djl.seed(0);
        List<Row> rows = new ArrayList<>();
        Shape one = new Shape(1, 1);
        for (LayerBenchmark.Stage st : stages) {
            try (NDManager m = Djl.engine().newBaseManager()) {
                int b = options.batch();
                int c = st.channels();
                int h = st.size();
                // the mode's layout decides which strategies apply and the input's memory
                // order (under channels-last-inference the two modes differ)
                ConvLayout layout = EngineSetup.active().layout(!inference);
                NDArray nchw = m.randomNormal(new Shape(b, c, h, h));
                NDArray x = layout == ConvLayout.CHANNELS_LAST
                        ? EngineConv.channelsLast(nchw) : nchw;
                NDArray w = m.randomNormal(new Shape(c, c, 3, 3)).mul(0.01);
                // kept as the layers keep them
                NDArray ex = KernelMemory.arrange(
                        m.randomNormal(new Shape(experts, c, c, 3, 3)).mul(0.01),
                        layout == ConvLayout.CHANNELS_LAST);
                NDArray att = m.randomUniform(0, 1, new Shape(b, experts));
                List<NDArray> leaves = List.of(x, w, ex, att);
                leaves.forEach(a -> a.setRequiresGradient(true));
                List<Supplier<Double>> runs = new ArrayList<>();
                runs.add(() -> Timing.passMs(m, leaves, inference,
                        training -> EngineConv.conv2d(x, w, null, one, one, one, 1)));
                // a strategy that cannot run this batch or configuration is reported as such
                List<Integer> column = new ArrayList<>(List.of(0));
                DynamicConv2d.Strategy[] all = DynamicConv2d.Strategy.values();
                for (int i = 0; i < all.length; i++) {
                    DynamicConv2d.Strategy s = all[i];
                    if (s.applies(b, 1, experts, layout)) {
                        column.add(i + 1);
                        runs.add(() -> Timing.passMs(m, leaves, inference, training ->
                                DynamicConv2d.mixture(x, att, ex, null, null, one, one, one, 1, s)));
                    }
                }
                double[][] t = Timing.interleaved(runs, options.warmup(),
                        options.warmupSeconds(), options.rounds());
                double[] med = new double[all.length + 1];
                java.util.Arrays.fill(med, Double.NaN);
                for (int i = 0; i < t.length; i++) {
                    med[column.get(i)] = Timing.median(t[i]);
                }
                rows.add(new Row(st, med));
                progress.accept("measured " + st);
            }
        }
        return rows;
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
                sb.append(Double.isNaN(v) ? " - |" : String.format(Locale.ROOT,
                        " %.1f ms (%.2fx) |", v, v / r.medianMs()[0]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
