package io.fadconv.train;

import io.fadconv.cost.CostRow;
import io.fadconv.cost.CostTable;
import io.fadconv.model.ModelSpec;
import io.fadconv.nn.ConvSpec;
import io.fadconv.run.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Trains one network with several convolution types under one config (same data, split, seed
 * and settings), each in its own run folder {@code <out>/<name>}, evaluates each on the report
 * part of the split and counts its cost: the rows of the paper's tables. A run that already
 * finished with the same config is reused, not retrained; an interrupted one is resumed.
 */
public final class Experiment {

    /**
     * One row.
     *
     * @param label the convolution spec as given
     * @param config the run's config
     * @param folder the run folder
     * @param reused whether the run was already finished (not trained now)
     * @param log its per-epoch metrics
     * @param evaluation its metrics on the report part
     * @param cost Params and MAdds at the training tile size
     * @param cost512 Params and MAdds at 512 x 512 (the paper's size)
     */
    public record Entry(String label, TrainConfig config, RunFolder folder, boolean reused,
            MetricsLog log, RunEvaluation evaluation, CostRow cost, CostRow cost512) {

        /** @return training and validation time of all epochs, seconds */
        public double seconds() {
            return log.epochs().stream().mapToDouble(e -> e.trainSeconds() + e.valSeconds())
                    .sum();
        }
    }

    /**
     * A finished experiment.
     *
     * @param base the shared config (its convolution spec is the first entry's)
     * @param entries the rows, in the order given
     * @param out the experiment folder
     * @param date the day it finished
     * @param threads the engine's intra-op threads
     */
    public record Result(TrainConfig base, List<Entry> entries, Path out, LocalDate date,
            int threads) {}

    /** Progress of an experiment; training progress comes through the {@link TrainListener}. */
    public interface Listener extends TrainListener {
        /**
         * A run starts (or is reused).
         *
         * @param index the run, from 1
         * @param count runs in all
         * @param label the convolution spec
         * @param folder the run folder
         * @param reused whether it is already finished
         */
        default void runStarting(int index, int count, String label, Path folder,
                boolean reused) {}

        /**
         * A run was evaluated.
         *
         * @param entry the row
         */
        default void evaluated(Entry entry) {}
    }

    private Experiment() {}

    /**
     * The folder name of a convolution spec: {@code fadconv:k=4,p=16} gives
     * {@code fadconv_k4_p16}.
     *
     * @param spec the spec as given
     * @return a file name
     */
    public static String folderName(String spec) {
        return spec.strip().replace(":", "_").replace(",", "_").replace("=", "")
                .replaceAll("[^A-Za-z0-9._-]", "-");
    }

    /**
     * Runs an experiment.
     *
     * @param base the shared config
     * @param convs the convolution specs, one run each, as given (labels and folder names)
     * @param out the experiment folder
     * @param options checkpoint settings (resume is decided per run)
     * @param listener progress
     * @return the rows
     * @throws IOException on read or write failure
     */
    public static Result run(TrainConfig base, List<String> convs, Path out,
            TrainLoop.Options options, Listener listener) throws IOException {
        if (convs.isEmpty()) {
            throw new IllegalArgumentException("an experiment needs at least one --conv");
        }
        List<ConvSpec> specs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String c : convs) {
            ConvSpec s = ConvSpec.parse(c);
            if (!seen.add(TrainConfig.resolve(s).toString())) {
                throw new IllegalArgumentException("--conv " + c + " is given twice (defaults "
                        + "filled in)");
            }
            if (!seen.add("folder:" + folderName(c))) {
                throw new IllegalArgumentException("--conv " + c + " maps to the same folder "
                        + "as another one");
            }
            specs.add(s);
        }
        Files.createDirectories(out);
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            String label = convs.get(i).strip();
            TrainConfig config = base.withConv(specs.get(i));
            RunFolder folder = new RunFolder(out.resolve(folderName(label)));
            boolean reused = TrainLoop.finished(config, folder);
            listener.runStarting(i + 1, specs.size(), label, folder.dir(), reused);
            MetricsLog log = reused ? MetricsLog.load(folder.metricsJson())
                    : TrainLoop.run(config, folder.dir(), options.withResume(
                            Files.isRegularFile(folder.checkpoint())), listener).log();
            runs.add(new Run(label, config, folder, reused, log));
        }
        int channels = io.fadconv.data.Normalization.load(runs.get(0).folder().normalization())
                .channels();
        ModelSpec spec = base.modelSpec(channels);
        List<CostRow> cost = CostTable.rows(spec, specs, base.tile(), base.tile());
        List<CostRow> cost512 = CostTable.rows(spec, specs, 512, 512);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            RunEvaluation ev = RunEvaluation.evaluate(r.folder(), null, base.batch(), null);
            ev.save(ev.defaultFile());
            Entry e = new Entry(r.label(), r.config(), r.folder(), r.reused(), r.log(), ev,
                    cost.get(i), cost512.get(i));
            listener.evaluated(e);
            entries.add(e);
        }
        return new Result(base, entries, out, LocalDate.now(),
                ai.djl.pytorch.jni.JniUtils.getNumThreads());
    }

    private record Run(String label, TrainConfig config, RunFolder folder, boolean reused,
            MetricsLog log) {}

    /**
     * A short description of the training setting for table headers.
     *
     * @param c the config
     * @param tilesPerEpoch tiles trained on per epoch
     * @return e.g. {@code 12 epochs of 72 tiles of 256 x 256 (...), Adam lr 1e-3 ...}
     */
    static String setting(TrainConfig c, int tilesPerEpoch) {
        return String.format(Locale.ROOT, "%d epochs of %d tiles of %d x %d (%s, reshuffled "
                + "every epoch), batch %d, Adam lr %s (constant), weight decay %s (L2), loss %s, "
                + "seed %d, no augmentation, no pretraining", c.epochs(), tilesPerEpoch,
                c.tile(), c.tile(), c.trainTiles() > 0 ? "drawn from the training part"
                        : "the training part in full batches", c.batch(), num(c.lr()),
                num(c.weightDecay()), c.loss() == Loss.CE ? "cross-entropy"
                        : "binary cross-entropy", c.seed());
    }

    static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e6 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.0e", v).replace("e-0", "e-");
    }
}
