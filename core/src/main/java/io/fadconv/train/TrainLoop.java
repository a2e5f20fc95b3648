package io.fadconv.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.data.Sample;
import io.fadconv.data.SeededShuffle;
import io.fadconv.data.SegmentationDataset;
import io.fadconv.engine.EngineConfig;
import io.fadconv.engine.EngineSetup;
import io.fadconv.eval.Batches;
import io.fadconv.eval.Evaluator;
import io.fadconv.model.ModelSpec;
import io.fadconv.model.Models;
import io.fadconv.model.SegmentationModel;
import io.fadconv.run.RunFolder;
import io.fadconv.run.RunInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Trains a segmentation network as the paper does (Adam with L2 weight decay, constant learning
 * rate, no augmentation, no pretraining), validating after every epoch, and keeps the run
 * resumable: a run killed at any moment and continued with {@code resume} ends with the same
 * weights as one that was never interrupted (on the same machine and thread count).
 *
 * <p>Determinism: the model is initialised after seeding the engine with the run's seed; epoch
 * {@code e} visits the training tiles in the order {@link #epochOrder}; before every step the
 * engine is reseeded from (seed, epoch, step) (dropout) and the temperatures are set for
 * (epoch, step) ({@link TrainStep}). So the state after a step depends only on the state before it
 * and its position, and a checkpoint needs no random generator state.
 *
 * <p>Files in the run folder (see {@link RunFolder}): {@code config.json}, {@code run.json},
 * {@code split.json}, {@code normalization.json} at the start; after each epoch
 * {@code last.params}, {@code best.params} (when the epoch is the best so far, by the validation
 * IoU of the reported class), {@code metrics.csv}, {@code metrics.json} and
 * {@code checkpoint.ckpt}; optionally checkpoints within an epoch too.
 */
public final class TrainLoop {

    /** The config file a run folder holds beside {@link RunFolder}'s files. */
    public static final String CONFIG_FILE = "config.json";

    /**
     * How to run.
     *
     * @param resume continue from the folder's checkpoint (from the beginning when there is none)
     * @param checkpointSteps also checkpoint every this many steps within an epoch (0 = only at
     *     the end of an epoch)
     * @param checkpointSeconds also checkpoint within an epoch when this many seconds passed
     *     since the last checkpoint (0 = never)
     */
    public record Options(boolean resume, int checkpointSteps, double checkpointSeconds) {
        /** Validates. */
        public Options {
            if (checkpointSteps < 0 || !(checkpointSeconds >= 0)) {
                throw new IllegalArgumentException("checkpoint interval must be >= 0, got "
                        + checkpointSteps + " steps, " + checkpointSeconds + " s");
            }
        }

        /** @return a fresh run, checkpoints every 10 minutes and after each epoch */
        public static Options defaults() {
            return new Options(false, 0, 600);
        }

        /**
         * The same with resume set.
         *
         * @param r whether to resume
         * @return new options
         */
        public Options withResume(boolean r) {
            return new Options(r, checkpointSteps, checkpointSeconds);
        }
    }

    /**
     * A finished run.
     *
     * @param folder the run folder
     * @param log the metrics of every epoch
     * @param alreadyFinished the folder held a finished run with the same config: nothing ran
     */
    public record Result(RunFolder folder, MetricsLog log, boolean alreadyFinished) {}

    private TrainLoop() {}

    /**
     * The config file of a run folder.
     *
     * @param folder the folder
     * @return {@code config.json}
     */
    public static Path configFile(RunFolder folder) {
        return folder.dir().resolve(CONFIG_FILE);
    }

    /**
     * Whether a folder holds a finished run of this config (then it can be reused as it is).
     *
     * @param config the config
     * @param folder the folder
     * @return true when {@code metrics.json} says the last epoch finished with the same config
     * @throws IOException when the metrics cannot be read
     */
    public static boolean finished(TrainConfig config, RunFolder folder) throws IOException {
        if (!Files.isRegularFile(folder.metricsJson())) {
            return false;
        }
        MetricsLog log = MetricsLog.load(folder.metricsJson());
        return log.finished() && log.config().sameTraining(config)
                && (Files.isRegularFile(folder.bestWeights())
                        || Files.isRegularFile(folder.lastWeights()));
    }

    /**
     * The order in which epoch {@code epoch} visits the training tiles: a seeded Fisher-Yates
     * shuffle ({@link SeededShuffle#order}) of all of them, cut to {@code cap} when the config
     * limits tiles per epoch (so successive epochs see different tiles).
     *
     * @param tiles training tiles
     * @param seed the run seed
     * @param epoch the epoch, from 0
     * @param cap tiles per epoch, 0 for all
     * @return dataset indices
     */
    public static long[] epochOrder(int tiles, long seed, int epoch, int cap) {
        long[] order = SeededShuffle.order(tiles, TrainStep.mix(seed, 0x5EED_0F_DA7AL, 0), epoch);
        return cap > 0 && cap < tiles ? Arrays.copyOf(order, cap) : order;
    }

    /**
     * Trains (or continues) a run.
     *
     * @param config what to train
     * @param out the run folder
     * @param options resume and checkpoint settings
     * @param listener progress
     * @return the finished run
     * @throws IOException on read or write failure
     * @throws TrainingDivergedException when the loss becomes NaN or infinite
     * @throws IllegalArgumentException for an unusable folder, config or dataset
     */
    public static Result run(TrainConfig config, Path out, Options options,
            TrainListener listener) throws IOException {
        try (NDManager manager = Djl.engine().newBaseManager()) {
            return run(config, out, options, listener, manager);
        }
    }

    /**
     * Trains (or continues) a run with the model and optimiser in a sub-manager of
     * {@code parent}, closed before returning (so a caller can check that nothing is left).
     *
     * @param config what to train
     * @param out the run folder
     * @param options resume and checkpoint settings
     * @param listener progress
     * @param parent the manager to work under
     * @return the finished run
     * @throws IOException on read or write failure
     */
    public static Result run(TrainConfig config, Path out, Options options,
            TrainListener listener, NDManager parent) throws IOException {
        RunFolder folder = new RunFolder(out);
        Checkpoint resumeFrom = checkFolder(config, folder, options, listener);
        if (resumeFrom != null && resumeFrom.log().finished()
                && resumeFrom.log().config().epochs() == config.epochs()) {
            listener.message(out + " holds a finished run of this config; nothing to do");
            return new Result(folder, resumeFrom.log(), true);
        }
        Files.createDirectories(out);
        removeStaleTemporaries(out, listener);
        TrainData data = TrainData.prepare(config, folder);
        List<Sample> trainTiles = data.part("train");
        List<Sample> valAll = data.part("val");
        List<Sample> valTiles = config.valTiles() > 0
                && config.valTiles() < valAll.size() ? valAll.subList(0, config.valTiles())
                : valAll;
        SegmentationDataset trainSet = data.dataset(config, trainTiles);
        SegmentationDataset valSet = data.dataset(config, valTiles);
        int perEpoch = config.trainTiles() > 0 ? Math.min(config.trainTiles(), trainTiles.size())
                : trainTiles.size();
        int steps = Batches.count(perEpoch, config.batch(), true);
        if (steps == 0) {
            throw new IllegalArgumentException("the training part has " + trainTiles.size()
                    + " tiles, fewer than one batch of " + config.batch() + "; lower --batch or "
                    + "use a smaller --tile");
        }
        ModelSpec spec = config.modelSpec(data.normalization().channels());
        config.save(configFile(folder));
        new RunInfo(spec, config.dataset(), config.classScheme(), config.tile())
                .save(folder.info());
        listener.message(String.format(Locale.ROOT, "%s: %d tiles of %d x %d (train %d, "
                + "validation %d%s); %d steps of %d tiles per epoch", config.data(),
                data.samples().size(), config.tile(), config.tile(), trainTiles.size(),
                valTiles.size(), data.split().parts().containsKey("test") ? ", test "
                        + data.part("test").size() : "", steps, config.batch()));

        Shape input = new Shape(config.batch(), spec.inChannels(), config.tile(), config.tile());
        SegmentationModel model = Models.create(spec); // blocks only: the generator is untouched
        model.checkInput(input);
        // before the seed: timing on a throwaway network leaves the run's generator alone
        EngineConfig layout;
        if (resumeFrom != null) {
            layout = LayoutChoice.resumed(resumeFrom.numerics().engine());
        } else {
            LayoutChoice.Result choice = LayoutChoice.choose(spec, input);
            layout = choice.config();
            if (!choice.how().equals("only")) {
                listener.message(choice.describe());
            }
        }
        EngineConfig before = EngineSetup.switchTo(layout);
        try (NDManager manager = parent.newSubManager()) {
            Djl.seed(config.seed());
            model.initialize(manager, DataType.FLOAT32,
                    new Shape(1, spec.inChannels(), config.tile(), config.tile()));
            try (Adam adam = new Adam(Adam.Settings.torchDefaults(config.lr(),
                    config.weightDecay()), TrainableParameters.trainable(model), manager)) {
                State s = new State(MetricsLog.empty(config), 0, 0, 0);
                if (resumeFrom != null) {
                    Checkpoint c = Checkpoint.restore(folder.checkpoint(), model, adam);
                    s = new State(c.log().withConfig(config), c.epoch(), c.step(), c.lossSum());
                    c.numerics().presetStrategies();
                    List<String> diff = c.numerics().differences(Numerics.current());
                    listener.message(String.format(Locale.ROOT, "resumed at epoch %d, step %d "
                            + "of %d%s", c.epoch() + 1, c.step(), steps, diff.isEmpty() ? ""
                                    : "; the checkpoint was " + String.join(" and ", diff)
                                            + ": results may differ in the last bits"));
                }
                listener.started(model);
                return new Runner(config, folder, options, listener, manager, model, adam,
                        trainSet, valSet, steps, perEpoch).run(s);
            }
        } finally {
            EngineSetup.switchTo(before);
        }
    }

    /**
     * Deletes the temporary files a killed process left while writing (AtomicFiles names them
     * {@code .<file>.<random>.tmp}); the files they were to replace are intact.
     */
    private static void removeStaleTemporaries(Path dir, TrainListener listener)
            throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") && n.endsWith(".tmp") && Files.isRegularFile(p)) {
                    Files.delete(p);
                    listener.message("removed " + n + ", left by an interrupted write");
                }
            }
        }
    }

    /** Where a run stands. */
    private record State(MetricsLog log, int epoch, int step, double lossSum) {}

    /**
     * Checks the folder against the options; returns the checkpoint to resume from, if any.
     * Without a checkpoint a run starts from the beginning, in a new folder or in one that holds
     * only the start of a run of the same config (killed before its first checkpoint).
     */
    private static Checkpoint checkFolder(TrainConfig config, RunFolder folder, Options options,
            TrainListener listener) throws IOException {
        if (Files.isRegularFile(folder.checkpoint())) {
            if (!options.resume()) {
                throw new IllegalArgumentException(folder.dir() + " already holds a run "
                        + "(checkpoint.ckpt); continue it with --resume or choose another --out");
            }
            Checkpoint c = Checkpoint.peek(folder.checkpoint());
            TrainConfig saved = c.log().config();
            if (!saved.sameTraining(config.toBuilder().set("epochs", saved.epochs()).build())) {
                throw new IllegalArgumentException(folder.dir() + ": the checkpoint was made "
                        + "with another config (" + differences(saved, config) + "); resume with "
                        + "the same options, or use another --out");
            }
            if (config.epochs() < c.log().epochsDone()) {
                throw new IllegalArgumentException(folder.dir() + ": the run already finished "
                        + c.log().epochsDone() + " epochs, more than --epochs " + config.epochs());
            }
            return c;
        }
        for (Path p : new Path[] {folder.metricsJson(), folder.lastWeights()}) {
            if (Files.exists(p)) {
                throw new IllegalArgumentException(folder.dir() + " holds " + p.getFileName()
                        + " but no checkpoint.ckpt; remove the folder or choose another --out");
            }
        }
        Path started = configFile(folder);
        if (Files.isRegularFile(started)) {
            TrainConfig saved = TrainConfig.load(started);
            if (!saved.sameTraining(config)) {
                throw new IllegalArgumentException(folder.dir() + " holds the start of a run "
                        + "with another config (" + differences(saved, config) + "); remove it "
                        + "or choose another --out");
            }
        }
        if (options.resume()) {
            listener.message(folder.dir() + ": no checkpoint yet, starting from the beginning");
        }
        return null;
    }

    /**
     * The fields in which two configs differ.
     *
     * @param a one config
     * @param b another
     * @return e.g. {@code lr 1.0E-4 vs 3.0E-4, batch 24 vs 16}
     */
    static String differences(TrainConfig a, TrainConfig b) {
        var ja = a.withConv(a.resolvedConv()).toJson();
        var jb = b.withConv(b.resolvedConv()).toJson();
        StringBuilder sb = new StringBuilder();
        ja.fieldNames().forEachRemaining(f -> {
            if (!ja.get(f).equals(jb.get(f))) {
                sb.append(sb.length() == 0 ? "" : ", ").append(f).append(' ').append(ja.get(f))
                        .append(" vs ").append(jb.get(f));
            }
        });
        return sb.toString();
    }

    /** The loop itself, with everything it needs in fields. */
    private static final class Runner {
        private final TrainConfig config;
        private final RunFolder folder;
        private final Options options;
        private final TrainListener listener;
        private final NDManager manager;
        private final SegmentationModel model;
        private final Adam adam;
        private final SegmentationDataset trainSet;
        private final SegmentationDataset valSet;
        private final int steps;
        private final int perEpoch;
        private final TrainStep trainStep;
        private long lastCheckpoint = System.nanoTime();

        Runner(TrainConfig config, RunFolder folder, Options options, TrainListener listener,
                NDManager manager, SegmentationModel model, Adam adam,
                SegmentationDataset trainSet, SegmentationDataset valSet, int steps,
                int perEpoch) {
            this.config = config;
            this.folder = folder;
            this.options = options;
            this.listener = listener;
            this.manager = manager;
            this.model = model;
            this.adam = adam;
            this.trainSet = trainSet;
            this.valSet = valSet;
            this.steps = steps;
            this.perEpoch = perEpoch;
            this.trainStep = new TrainStep(model, adam, config.loss(), config.seed(), manager);
        }

        Result run(State start) throws IOException {
            MetricsLog log = start.log();
            int firstStep = start.step();
            double lossSum = start.lossSum();
            for (int epoch = start.epoch(); epoch < config.epochs(); epoch++) {
                listener.epochStarted(epoch + 1, config.epochs(), steps, firstStep,
                        config.batch());
                long[] order = epochOrder(trainSet.samples().size(), config.seed(), epoch,
                        perEpoch);
                long t0 = System.nanoTime();
                int tilesRun = 0;
                try (Batches batches = new Batches(trainSet, order, config.batch(), true,
                        firstStep)) {
                    for (int step = firstStep; step < steps; step++) {
                        Batches.Batch b = batches.next();
                        double loss = step(b, epoch, step);
                        lossSum += loss;
                        tilesRun += b.size();
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        listener.stepFinished(epoch + 1, step + 1, steps, loss,
                                tilesRun / seconds);
                        if (step + 1 < steps && checkpointDue(step + 1)) {
                            checkpoint(new Checkpoint(epoch, step + 1, lossSum, Numerics.current(), log));
                        }
                    }
                }
                double trainSeconds = (System.nanoTime() - t0) / 1e9;
                EpochMetrics m = validate(epoch, lossSum / steps, trainSeconds,
                        tilesRun / trainSeconds);
                log = log.plus(m);
                boolean best = log.bestEpoch() == m.epoch();
                model.save(folder.lastWeights());
                if (best) {
                    model.save(folder.bestWeights());
                }
                log.save(folder.metricsCsv(), folder.metricsJson());
                checkpoint(new Checkpoint(epoch + 1, 0, 0, Numerics.current(), log));
                listener.epochFinished(m, best);
                firstStep = 0;
                lossSum = 0;
            }
            return new Result(folder, log, false);
        }

        /** One optimisation step; returns its loss. */
        private double step(Batches.Batch b, int epoch, int step) {
            try {
                return trainStep.run(m -> new NDArray[] {b.image(m), b.label(m)}, epoch, step,
                        steps);
            } catch (TrainStep.NonFiniteLoss e) {
                throw diverged(e.value(), epoch, step);
            }
        }

        private TrainingDivergedException diverged(float loss, int epoch, int step) {
            String kept;
            try {
                kept = Files.isRegularFile(folder.checkpoint())
                        ? describe(Checkpoint.peek(folder.checkpoint()))
                        : "no checkpoint had been written yet";
            } catch (IOException | RuntimeException e) {
                kept = "the checkpoint could not be read: " + e.getMessage();
            }
            return new TrainingDivergedException(String.format(Locale.ROOT, "training stopped:"
                    + " the loss became %s at epoch %d, step %d of %d (lr %s, batch %d). Nothing "
                    + "was written after the last good state: %s. Lower --lr, or check the data "
                    + "for extreme or invalid pixels; --resume continues from that checkpoint.",
                    Float.isNaN(loss) ? "NaN" : "infinite", epoch + 1, step + 1, steps,
                    config.lr(), config.batch(), kept));
        }

        private String describe(Checkpoint c) {
            return String.format(Locale.ROOT, "%s holds epoch %d, step %d",
                    folder.checkpoint(), c.epoch() + 1, c.step());
        }

        private boolean checkpointDue(int stepsDone) {
            if (options.checkpointSteps() > 0 && stepsDone % options.checkpointSteps() == 0) {
                return true;
            }
            return options.checkpointSeconds() > 0
                    && (System.nanoTime() - lastCheckpoint) / 1e9 >= options.checkpointSeconds();
        }

        private void checkpoint(Checkpoint c) throws IOException {
            if (!Checkpoint.finite(model)) {
                throw new TrainingDivergedException(String.format(Locale.ROOT, "training "
                        + "stopped: a parameter became NaN or infinite by epoch %d, step %d "
                        + "(lr %s); the previous checkpoint %s is kept. Lower --lr.",
                        c.epoch() + 1, c.step(), config.lr(), folder.checkpoint()));
            }
            c.save(folder.checkpoint(), model, adam);
            lastCheckpoint = System.nanoTime();
            listener.checkpointed(c.epoch() + 1, c.step());
        }

        private EpochMetrics validate(int epoch, double trainLoss, double trainSeconds,
                double tilesPerSecond) throws IOException {
            ValidationTemperatures.afterEpoch(model, epoch, steps);
            long t0 = System.nanoTime();
            double[] loss = new double[2];
            int total = valSet.samples().size();
            Evaluator.Result r = Evaluator.evaluate(model, manager, valSet, config.batch(),
                    config.loss() == Loss.BCE, config.classScheme(), (logits, labels) -> {
                        long n = labels.getShape().get(0);
                        loss[0] += config.loss().compute(logits, labels).getFloat() * n;
                        loss[1] += n;
                    }, done -> listener.validating(epoch + 1, done, total));
            return new EpochMetrics(epoch + 1, trainLoss, loss[0] / loss[1], r.metrics(),
                    steps * config.batch(), trainSeconds, (System.nanoTime() - t0) / 1e9,
                    tilesPerSecond);
        }
    }
}
