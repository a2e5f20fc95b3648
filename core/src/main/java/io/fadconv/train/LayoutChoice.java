package io.fadconv.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.Djl;
import io.fadconv.engine.ConvLayout;
import io.fadconv.engine.EngineConfig;
import io.fadconv.engine.EngineSetup;
import io.fadconv.engine.EngineStatus;
import io.fadconv.engine.LayoutRace;
import io.fadconv.engine.MachineFile;
import io.fadconv.model.ModelSpec;
import io.fadconv.model.Models;
import io.fadconv.model.SegmentationModel;
import io.fadconv.util.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The memory layout a network trains faster in on this machine, timed on the network itself: its
 * training step (forward and backward at the run's batch and tile) under each correct
 * configuration that differs in the training layout, the inference layout kept as the machine's
 * race chose it. The machine's race ({@link io.fadconv.engine.LayoutRace}) times a proxy of the
 * project's networks, and networks differ: on an AMD EPYC resnet18-unet trains faster
 * channels-last, resnet18x0.25-unet in NCHW.
 *
 * <p>Timed on a throwaway instance of the network before the run seeds its generator, so a run's
 * numbers do not depend on whether the choice was timed or remembered. Remembered per kind of
 * machine in {@code network-layout.json}; off where the configuration is forced, the race is
 * off ({@code fadconv.engine.race=off}) or {@code fadconv.train.layout=machine}. A resumed run
 * takes its checkpoint's configuration instead ({@link #resumed}).
 */
public final class LayoutChoice {

    /**
     * {@code timed} (default): a network's training layout is timed; {@code machine}: the
     * machine's configuration as raced, for every network (the tests run so, the choice being
     * timing and so not the same on every run).
     */
    public static final String PROPERTY = "fadconv.train.layout";

    /** Raised whenever the timing changes, so that earlier choices are timed again. */
    static final int WORKLOAD = 1;

    /** How much faster than the machine's configuration another must be to be chosen. */
    static final double MARGIN = 0.05;

    /** Timed steps per configuration, after one untimed one (which also tunes). */
    private static final int ROUNDS = 3;

    /**
     * A choice.
     *
     * @param config the configuration to train under
     * @param how {@code timed}, {@code cached} (an earlier process timed it), or {@code only}
     *     (one candidate: forced, race off, or one layout correct here)
     * @param millis median step time per configuration timed (empty unless timed)
     */
    public record Result(EngineConfig config, String how, Map<EngineConfig, Double> millis) {

        /**
         * One line for a run's log.
         *
         * @return e.g. {@code training in NCHW (engine configuration channels-last-inference,
         *     timed: channels-last-inference 319 ms, channels-last 390 ms per step)}
         */
        public String describe() {
            String layout = config.layout(true) == ConvLayout.NCHW ? "NCHW" : "channels-last";
            StringBuilder sb = new StringBuilder("training in " + layout
                    + " (engine configuration " + config + ", " + how);
            if (!millis.isEmpty()) {
                List<String> each = new ArrayList<>();
                millis.forEach((c, ms) -> each.add(String.format(Locale.ROOT, "%s %.0f ms", c,
                        ms)));
                sb.append(": ").append(String.join(", ", each)).append(" per step");
            }
            return sb.append(')').toString();
        }
    }

    private LayoutChoice() {}

    /**
     * Chooses the configuration to train a network under.
     *
     * @param spec the network
     * @param input the training batch's shape {@code [B, C, H, W]}
     * @return the choice (the process's configuration is left as it was)
     */
    public static Result choose(ModelSpec spec, Shape input) {
        if ("machine".equalsIgnoreCase(System.getProperty(PROPERTY, "timed"))) {
            return new Result(EngineSetup.active(), "only", Map.of());
        }
        return choose(spec, input, EngineSetup.ensure());
    }

    /**
     * Chooses under a set-up decision (the process's, or a test's).
     *
     * @param spec the network
     * @param input the training batch's shape
     * @param status the set-up decision: what is correct, forced or raced
     * @return the choice
     */
    static Result choose(ModelSpec spec, Shape input, EngineStatus status) {
        List<EngineConfig> candidates = candidates(status);
        if (candidates.size() < 2) {
            return new Result(EngineSetup.active(), "only", Map.of());
        }
        String network = spec.resolvedString() + " " + input;
        MachineFile file = file(status);
        JsonNode known = file == null ? null : file.read().get(network);
        if (known != null) {
            try {
                EngineConfig c = EngineConfig.of(known.asText());
                if (candidates.contains(c)) {
                    return new Result(c, "cached", Map.of());
                }
            } catch (IllegalArgumentException e) {
                // another version's name: timed again
            }
        }
        Map<EngineConfig, Double> millis = time(spec, input, candidates);
        EngineConfig best = fastest(millis, status.config());
        if (file != null) {
            ObjectNode entry = Json.object();
            entry.put(network, best.id());
            file.putAll(entry);
        }
        return new Result(best, "timed", millis);
    }

    /**
     * The choices earlier runs timed on this kind of machine, as kept on disk.
     *
     * @return network (spec and batch shape) to configuration name; empty when none or caching
     *     is off
     */
    public static Map<String, String> remembered() {
        return MachineFile.texts(file(EngineSetup.ensure()));
    }

    /**
     * Where the choices of this kind of machine are kept.
     *
     * @return the file, or null when caching is off
     */
    public static java.nio.file.Path rememberedFile() {
        MachineFile f = file(EngineSetup.ensure());
        return f == null ? null : f.path();
    }

    private static MachineFile file(EngineStatus status) {
        return MachineFile.open("network-layout", status.machineKey() + EngineSetup.timingConditions()
                + " workload=" + WORKLOAD);
    }

    /**
     * The configuration a resumed run continues under: its checkpoint's where that is correct
     * here, else the one in use.
     *
     * @param recorded the checkpoint's configuration name
     * @return the configuration
     */
    public static EngineConfig resumed(String recorded) {
        try {
            EngineConfig c = EngineConfig.of(recorded);
            if (c.coveredBy(EngineSetup.ensure().correct()) && !c.needsSetupBeforeLoad()) {
                return c;
            }
        } catch (IllegalArgumentException e) {
            // unknown here: the difference is reported
        }
        return EngineSetup.active();
    }

    /**
     * The configuration to train under: the fastest median, where it beats the machine's by
     * more than {@link #MARGIN} (the race already chose the machine's; a step or two of noise
     * should not overturn it for good).
     *
     * @param millis median per configuration
     * @param machine the machine's configuration
     * @return the choice
     */
    static EngineConfig fastest(Map<EngineConfig, Double> millis, EngineConfig machine) {
        EngineConfig best = millis.entrySet().stream().min(Map.Entry.comparingByValue())
                .orElseThrow().getKey();
        Double own = millis.get(machine);
        return own != null && millis.get(best) * (1 + MARGIN) >= own ? machine : best;
    }

    /**
     * The configurations raced for a network: one per training layout, with the inference
     * layout of the configuration in use, each correct here; only the one in use when the
     * configuration is forced or no race was run.
     */
    static List<EngineConfig> candidates(EngineStatus status) {
        if (status.forced() || status.race() == null) {
            return List.of(status.config());
        }
        List<EngineConfig> correct = status.correct();
        List<EngineConfig> out = new ArrayList<>();
        for (ConvLayout training : ConvLayout.values()) {
            EngineConfig c = EngineConfig.withLayouts(training, status.config().layout(false));
            if (c != null && c.coveredBy(correct)) {
                out.add(c);
            }
        }
        return out.contains(status.config()) ? out : List.of(status.config());
    }

    /**
     * Median training-step time of the network under each configuration, side by side
     * ({@link LayoutRace#interleaved}); the process's configuration restored after.
     */
    private static Map<EngineConfig, Double> time(ModelSpec spec, Shape input,
            List<EngineConfig> configs) {
        EngineConfig before = EngineSetup.active();
        try (NDManager m = Djl.engine().newBaseManager()) {
            SegmentationModel net = Models.create(spec);
            net.initialize(m, DataType.FLOAT32, new Shape(1).addAll(input.slice(1)));
            ParameterStore ps = new ParameterStore(m, false);
            float[] x = pattern(input.size());
            return LayoutRace.interleaved(configs, ROUNDS, EngineSetup::switchTo,
                    c -> new double[] {step(m, net, ps, x, input)}).get(0);
        } finally {
            EngineSetup.switchTo(before);
        }
    }

    private static double step(NDManager parent, SegmentationModel net, ParameterStore ps,
            float[] values, Shape input) {
        try (NDManager m = parent.newSubManager()) {
            NDArray x = m.create(values, input);
            long t0 = System.nanoTime();
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                NDArray y = net.logits(ps, x, true);
                gc.backward(y.mul(y).mean());
            }
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    /** Input values in [-1, 1] without touching a generator (the run seeds it afterwards). */
    private static float[] pattern(long n) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(i * 0.7);
        }
        return v;
    }
}
