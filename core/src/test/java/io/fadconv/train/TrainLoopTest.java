package io.fadconv.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import io.fadconv.data.SyntheticConfig;
import io.fadconv.data.SyntheticDataset;
import io.fadconv.engine.EngineConfig;
import io.fadconv.engine.EngineSetup;
import io.fadconv.engine.MklDispatch;
import io.fadconv.model.Models;
import io.fadconv.model.SegmentationModel;
import io.fadconv.nn.ConvSpec;
import io.fadconv.nn.ConvTuner;
import io.fadconv.run.RunFolder;
import io.fadconv.testing.SystemProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loop on a tiny synthetic dataset (one 256 x 256 scene cut into 64 x 64 tiles,
 * ResNet18(0.25x)-UNet): the run folder, resuming after a crash bit for bit, stopping on NaN,
 * and no growth of memory across steps.
 */
class TrainLoopTest {

    @TempDir
    static Path tmp;

    static Path data;

    @BeforeAll
    static void makeData() throws IOException {
        Djl.engine();
        data = tmp.resolve("synthetic");
        SyntheticDataset.generate(data, SyntheticConfig.demo(5).withTile(64).withScenes(1, 256)
                .withParts(EnumSet.of(SyntheticConfig.Part.GID, SyntheticConfig.Part.HICNA)),
                false, 2, line -> { });
    }

    /** 20 training tiles of 64 x 64 (Hi-CNA layout, two periods), 3 steps of 4 per epoch. */
    static TrainConfig config(String conv, int epochs) {
        return TrainConfig.builder(data, "synthetic-hicna").set("model", "resnet18x0.25-unet")
                .set("conv", ConvSpec.parse(conv)).set("tile", 64).set("batch", 4)
                .set("epochs", epochs).set("trainTiles", 12)
                .set("valTiles", 4).set("lr", 3e-3).set("seed", 3).set("normSamples", 8).build();
    }

    @Test
    void writesTheRunFolderAndOpensForInference() throws IOException {
        Path out = tmp.resolve("run-files");
        TrainLoop.Result r = TrainLoop.run(config("fadconv:p=8", 2), out,
                TrainLoop.Options.defaults(), new TrainListener() { });
        RunFolder f = new RunFolder(out);
        for (Path p : List.of(f.info(), f.normalization(), f.split(), f.lastWeights(),
                f.checkpoint(), f.metricsCsv(), f.metricsJson(), TrainLoop.configFile(f))) {
            assertThat(p).isRegularFile();
        }
        assertThat(r.log().finished()).isTrue();
        assertThat(r.log().epochs()).hasSize(2);
        assertThat(Files.readAllLines(f.metricsCsv())).hasSize(3)
                .first().isEqualTo(EpochMetrics.CSV_HEADER);
        MetricsLog log = MetricsLog.load(f.metricsJson());
        assertThat(log.finished()).isTrue();
        assertThat(log.config().sameTraining(config("fadconv:k=4,p=8", 2))).isTrue();
        assertThat(TrainLoop.finished(config("fadconv:p=8", 2), f)).isTrue();
        assertThat(TrainLoop.finished(config("fadconv:p=8", 3), f)).isFalse();
        if (log.bestEpoch() > 0) {
            assertThat(f.bestWeights()).isRegularFile();
        }
        // A second run without --resume refuses to overwrite; with --resume it has nothing to do.
        assertThatThrownBy(() -> TrainLoop.run(config("fadconv:p=8", 2), out,
                TrainLoop.Options.defaults(), new TrainListener() { }))
                .hasMessageContaining("--resume");
        assertThat(TrainLoop.run(config("fadconv:p=8", 2), out,
                TrainLoop.Options.defaults().withResume(true), new TrainListener() { })
                .alreadyFinished()).isTrue();
        try (NDManager m = NDManager.newBaseManager()) {
            RunFolder.Trained t = f.open(m, 64);
            assertThat(t.info().binaryLogit()).isTrue();
            NDArray y = t.model().logits(new ParameterStore(m, false),
                    m.randomNormal(new ai.djl.ndarray.types.Shape(1, 4, 64, 64)), false);
            assertThat(y.getShape().get(1)).isEqualTo(1);
        }
    }

    @Test
    void resumingAfterACrashMidEpochGivesBitIdenticalWeights() throws IOException {
        for (String conv : List.of("fadconv:p=8", "kw:b=1")) {
            Path straight = tmp.resolve("straight-" + conv.replace(':', '_'));
            TrainLoop.run(config(conv, 2), straight, TrainLoop.Options.defaults(),
                    new TrainListener() { });
            Map<String, float[]> expected = weights(straight);

            // Checkpoint after every step; crash during the second step of epoch 2, after the
            // checkpoint of step 1: the resumed run redoes step 2 from that checkpoint.
            Path crashed = tmp.resolve("crashed-" + conv.replace(':', '_'));
            TrainLoop.Options everyStep = new TrainLoop.Options(false, 1, 0);
            assertThatThrownBy(() -> TrainLoop.run(config(conv, 2), crashed, everyStep,
                    crashAt(2, 2))).hasMessage("simulated kill");
            Checkpoint left = Checkpoint.peek(new RunFolder(crashed).checkpoint());
            assertThat(left.epoch()).isEqualTo(1);
            assertThat(left.step()).isEqualTo(1);
            // A kill during a write leaves a temporary file; resuming removes it.
            Path stale = Files.writeString(crashed.resolve(".checkpoint.ckpt.123.tmp"), "half");
            TrainLoop.run(config(conv, 2), crashed, everyStep.withResume(true),
                    new TrainListener() { });
            assertThat(stale).doesNotExist();
            assertBitIdentical(conv + " mid-epoch", expected, weights(crashed));
            assertThat(Files.readString(new RunFolder(crashed).metricsCsv())
                    .replaceAll(",[0-9.]*,[0-9.]*,[0-9.]*\n", "\n"))
                    .isEqualTo(Files.readString(new RunFolder(straight).metricsCsv())
                            .replaceAll(",[0-9.]*,[0-9.]*,[0-9.]*\n", "\n"));

            if (conv.startsWith("kw")) {
                continue; // the epoch-end case below needs one network only
            }
            // Checkpoints at epoch ends only: the resumed run redoes all of epoch 2.
            Path redo = tmp.resolve("redo-" + conv.replace(':', '_'));
            TrainLoop.Options epochEnds = new TrainLoop.Options(false, 0, 0);
            assertThatThrownBy(() -> TrainLoop.run(config(conv, 2), redo, epochEnds,
                    crashAt(2, 2))).hasMessage("simulated kill");
            TrainLoop.run(config(conv, 2), redo, epochEnds.withResume(true),
                    new TrainListener() { });
            assertBitIdentical(conv + " epoch end", expected, weights(redo));
        }
    }

    /**
     * Checkpoints of version 1, written before engine configurations and strategies were
     * recorded, are still read: the fields of version 2 the old layout lacks take their
     * version-1 meaning (threads only: configuration default, no strategies), and a run resumed
     * from one ends as one never interrupted.
     */
    @Test
    void aVersion1CheckpointIsReadAndResumedFrom() throws IOException {
        // version-1 processes ran PyTorch's default configuration, and a resume takes it again
        // where it is right here: the runs to compare are made under it too
        EngineConfig before = EngineSetup.switchTo(LayoutChoice.resumed("default"));
        try {
            version1CheckpointIsReadAndResumedFrom();
        } finally {
            EngineSetup.switchTo(before);
        }
    }

    private void version1CheckpointIsReadAndResumedFrom() throws IOException {
        Path straight = tmp.resolve("v1-straight");
        TrainLoop.run(config("static", 2), straight, TrainLoop.Options.defaults(),
                new TrainListener() { });
        Path old = tmp.resolve("v1-resumed");
        TrainLoop.Options everyStep = new TrainLoop.Options(false, 1, 0);
        assertThatThrownBy(() -> TrainLoop.run(config("static", 2), old, everyStep,
                crashAt(2, 2))).hasMessage("simulated kill");
        Path file = new RunFolder(old).checkpoint();
        Checkpoint written = Checkpoint.peek(file);
        assertThat(written.lossSum()).isPositive();
        assertThat(written.numerics().mklBranch()).isEqualTo(MklDispatch.branch());
        Path v2 = tmp.resolve("v2.ckpt");
        rewriteAsVersion2(file, v2);
        assertThat(Checkpoint.peek(v2).numerics()).as("version 2: MKL's branch unknown")
                .isEqualTo(new Numerics(written.numerics().threads(), written.numerics().engine(),
                        Numerics.UNKNOWN, written.numerics().strategies()));
        rewriteAsVersion1(file);

        Checkpoint read = Checkpoint.peek(file);
        assertThat(read.epoch()).isEqualTo(1);
        assertThat(read.step()).isEqualTo(1);
        assertThat(read.lossSum()).isEqualTo(written.lossSum());
        assertThat(read.numerics()).isEqualTo(new Numerics(written.numerics().threads(),
                "default", Numerics.UNKNOWN, Map.of()));
        assertThat(read.log()).isEqualTo(written.log());
        assertThat(read.log().epochs()).hasSize(1);
        TrainLoop.run(config("static", 2), old, everyStep.withResume(true),
                new TrainListener() { });
        assertBitIdentical("resumed from version 1", weights(straight), weights(old));
    }

    /**
     * Rewrites a checkpoint in the layout of version 1 (Checkpoint.save before commit 82ab72c):
     * the magic "fadconv-checkpoint/1", the config (length-prefixed UTF-8), epoch, step, loss
     * sum, threads, the metrics log, then the parameters and the optimiser as today; version 2
     * added the engine configuration and the strategies after threads, version 3 MKL's branch
     * between those two.
     */
    private static void rewriteAsVersion1(Path file) throws IOException {
        rewriteAsVersion(1, file, file);
    }

    /** Version 2: as version 3 without MKL's branch (an int after the engine configuration). */
    private static void rewriteAsVersion2(Path file, Path to) throws IOException {
        rewriteAsVersion(2, file, to);
    }

    private static void rewriteAsVersion(int version, Path file, Path to) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataInputStream in = new java.io.DataInputStream(
                new java.io.ByteArrayInputStream(Files.readAllBytes(file)));
                java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            assertThat(in.readUTF()).isEqualTo("fadconv-checkpoint/3");
            out.writeUTF("fadconv-checkpoint/" + version);
            copyText(in, out); // config
            out.writeInt(in.readInt()); // epoch
            out.writeInt(in.readInt()); // step
            out.writeDouble(in.readDouble()); // loss sum
            out.writeInt(in.readInt()); // threads
            String engine = in.readUTF(); // version 2: engine configuration
            in.readInt(); // version 3: MKL's branch
            if (version == 2) {
                out.writeUTF(engine);
            } else {
                in.readFully(new byte[in.readInt()]); // version 2: strategies
            }
            in.transferTo(out); // (strategies,) metrics log, parameters and optimiser
        }
        Files.write(to, bytes.toByteArray());
    }

    private static void copyText(java.io.DataInputStream in, java.io.DataOutputStream out)
            throws IOException {
        byte[] text = new byte[in.readInt()];
        in.readFully(text);
        out.writeInt(text.length);
        out.write(text);
    }

    @Test
    void aResumedRunTakesTheStrategiesItsCheckpointRecorded() throws IOException {
        // no disk cache: a new process times afresh
        try (SystemProperties props = new SystemProperties().set(ConvTuner.PROPERTY, "on")
                .set("fadconv.engine.cache", "off")) {
            ConvTuner.clear();
            Path straight = tmp.resolve("tuned-straight");
            TrainLoop.run(config("fadconv:p=8", 2), straight, TrainLoop.Options.defaults(),
                    new TrainListener() { });
            Map<String, float[]> expected = weights(straight);
            Map<String, String> used = ConvTuner.strategies();
            Numerics recorded = Checkpoint.peek(new RunFolder(straight).checkpoint()).numerics();
            assertThat(recorded.strategies()).isEqualTo(used).isNotEmpty();
            assertThat(used.keySet()).anyMatch(k -> k.startsWith("train "));
            assertThat(recorded.engine()).isEqualTo(EngineSetup.active().id());
            assertThat(recorded.mklBranch()).isEqualTo(MklDispatch.branch());
            assertThat(recorded.differences(Numerics.current())).isEmpty();

            Path crashed = tmp.resolve("tuned-crashed");
            TrainLoop.Options everyStep = new TrainLoop.Options(false, 1, 0);
            assertThatThrownBy(() -> TrainLoop.run(config("fadconv:p=8", 2), crashed, everyStep,
                    crashAt(2, 2))).hasMessage("simulated kill");
            // a new process, whose own choice (here the fixed rule) may differ from the timed one
            ConvTuner.clear();
            props.set(ConvTuner.PROPERTY, "off");
            TrainLoop.run(config("fadconv:p=8", 2), crashed, everyStep.withResume(true),
                    new TrainListener() { });
            Map<String, ConvTuner.Choice> now = ConvTuner.choices();
            assertThat(now.keySet()).containsAll(recorded.strategies().keySet());
            for (Map.Entry<String, String> e : recorded.strategies().entrySet()) {
                assertThat(now.get(e.getKey()).how()).as(e.getKey()).isEqualTo("preset");
                assertThat(now.get(e.getKey()).strategy().name()).isEqualTo(e.getValue());
            }
            assertBitIdentical("tuned, resumed", expected, weights(crashed));
        } finally {
            ConvTuner.clear();
        }
    }

    @Test
    void aRunTrainsUnderTheLayoutTimedForItsNetworkAndItsResumeUnderItsCheckpoints()
            throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                LayoutChoice.candidates(EngineSetup.ensure()).size() > 1,
                "one training layout is right here: nothing to time");
        EngineConfig before = EngineSetup.active();
        try (SystemProperties props = new SystemProperties().set(LayoutChoice.PROPERTY, "timed")
                .set("fadconv.engine.cache.dir", tmp.resolve("cache").toString())) {
            Path straight = tmp.resolve("layout-straight");
            List<String> said = new java.util.ArrayList<>();
            TrainLoop.run(config("fadconv:p=8", 2), straight, TrainLoop.Options.defaults(),
                    new TrainListener() {
                        @Override
                        public void message(String line) {
                            said.add(line);
                        }
                    });
            String engine = Checkpoint.peek(new RunFolder(straight).checkpoint()).numerics()
                    .engine();
            assertThat(said).as("the run says what it trains under")
                    .anyMatch(l -> l.startsWith("training in ") && l.contains("timed")
                            && l.contains("engine configuration " + engine + ","));
            assertThat(EngineSetup.active()).as("the process's configuration, after")
                    .isEqualTo(before);

            // the same network again: the remembered choice; killed, then resumed under the
            // configuration its checkpoint names, from a process in another one
            Path crashed = tmp.resolve("layout-crashed");
            TrainLoop.Options everyStep = new TrainLoop.Options(false, 1, 0);
            assertThatThrownBy(() -> TrainLoop.run(config("fadconv:p=8", 2), crashed, everyStep,
                    crashAt(2, 2))).hasMessage("simulated kill");
            assertThat(Checkpoint.peek(new RunFolder(crashed).checkpoint()).numerics().engine())
                    .isEqualTo(engine);
            EngineConfig other = LayoutChoice.candidates(EngineSetup.ensure()).stream()
                    .filter(c -> !c.id().equals(engine)).findFirst().orElseThrow();
            EngineSetup.switchTo(other);
            props.set(LayoutChoice.PROPERTY, "machine");
            TrainLoop.run(config("fadconv:p=8", 2), crashed, everyStep.withResume(true),
                    new TrainListener() { });
            assertThat(EngineSetup.active()).isEqualTo(other);
            assertBitIdentical("layout timed, resumed", weights(straight), weights(crashed));
        } finally {
            EngineSetup.switchTo(before);
        }
    }

    @Test
    void aNonFiniteLossStopsTheRunAndKeepsTheLastGoodCheckpoint() throws IOException {
        // Checkpoints at epoch ends: a weight poisoned after step 1 of epoch 2 makes the loss of
        // step 2 NaN; the run stops and the checkpoint of epoch 1 is left as it was.
        Path out = tmp.resolve("nan");
        byte[][] afterEpoch1 = new byte[1][];
        assertThatThrownBy(() -> TrainLoop.run(config("static", 3), out,
                new TrainLoop.Options(false, 0, 0), poisonAt(2, 1, out, afterEpoch1)))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("loss became NaN at epoch 2, step 2 of 3")
                .hasMessageContaining("holds epoch 2, step 0");
        assertThat(Files.readAllBytes(new RunFolder(out).checkpoint())).isEqualTo(afterEpoch1[0]);
        assertThat(MetricsLog.load(new RunFolder(out).metricsJson()).epochsDone()).isEqualTo(1);

        // Checkpoints after every step: the poisoned state is caught before it is written.
        Path every = tmp.resolve("nan-every-step");
        byte[][] kept = new byte[1][];
        assertThatThrownBy(() -> TrainLoop.run(config("static", 3), every,
                new TrainLoop.Options(false, 1, 0), poisonAt(2, 1, every, kept)))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("parameter became NaN or infinite");
        assertThat(Files.readAllBytes(new RunFolder(every).checkpoint())).isEqualTo(kept[0]);

        // A learning rate of 1e30 overflows the weights after the first step.
        assertThatThrownBy(() -> TrainLoop.run(config("static", 2).toBuilder().set("lr", 1e30)
                .build(),
                tmp.resolve("huge-lr"), TrainLoop.Options.defaults(), new TrainListener() { }))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("at epoch 1, step 2")
                .hasMessageContaining("no checkpoint had been written yet");
    }

    @Test
    void stepsAndEpochsLeaveNothingBehindInTheManager() throws IOException {
        List<Integer> atEpochEnd = new ArrayList<>();
        List<Integer> atStep = new ArrayList<>();
        try (NDManager parent = NDManager.newBaseManager()) {
            TrainLoop.run(config("fadconv:p=8", 3), tmp.resolve("memory"),
                    TrainLoop.Options.defaults(), new TrainListener() {
                        @Override
                        public void stepFinished(int e, int s, int n, double loss, double tps) {
                            atStep.add(parent.getManagedArrays().size());
                        }

                        @Override
                        public void epochFinished(EpochMetrics m, boolean best) {
                            atEpochEnd.add(parent.getManagedArrays().size());
                        }
                    }, parent);
            assertThat(parent.getManagedArrays()).isEmpty();
        }
        // The first step may cache per-size constants; from then on the count stays put.
        assertThat(atStep.subList(1, atStep.size())).containsOnly(atStep.get(1));
        assertThat(atEpochEnd).containsOnly(atEpochEnd.get(0));
    }

    /** Sets a weight to NaN after a step; records the checkpoint bytes at that moment. */
    private static TrainListener poisonAt(int epoch, int step, Path run, byte[][] checkpoint) {
        SegmentationModel[] model = new SegmentationModel[1];
        return new TrainListener() {
            @Override
            public void started(SegmentationModel m) {
                model[0] = m;
            }

            @Override
            public void stepFinished(int e, int s, int steps, double loss, double tps) {
                if (e == epoch && s == step) {
                    try {
                        checkpoint[0] = Files.readAllBytes(new RunFolder(run).checkpoint());
                    } catch (IOException ex) {
                        throw new java.io.UncheckedIOException(ex);
                    }
                    Parameter p = TrainableParameters.trainable(model[0]).get(0).parameter();
                    float[] v = p.getArray().toFloatArray();
                    v[0] = Float.NaN;
                    p.getArray().set(v);
                }
            }
        };
    }

    /** A listener that throws (like a kill) when a step finishes. */
    private static TrainListener crashAt(int epoch, int step) {
        return new TrainListener() {
            @Override
            public void stepFinished(int e, int s, int steps, double loss, double tps) {
                if (e == epoch && s == step) {
                    throw new IllegalStateException("simulated kill");
                }
            }
        };
    }

    /** Every distinct parameter of a run's checkpoint (BatchNorm statistics included). */
    private static Map<String, float[]> weights(Path run) throws IOException {
        RunFolder f = new RunFolder(run);
        TrainConfig c = TrainConfig.load(TrainLoop.configFile(f));
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            SegmentationModel model = Models.create(c.modelSpec(4));
            model.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32,
                    new ai.djl.ndarray.types.Shape(1, 4, 64, 64));
            try (Adam adam = new Adam(Adam.Settings.torchDefaults(c.lr(), c.weightDecay()),
                    TrainableParameters.trainable(model), m)) {
                Checkpoint.restore(f.checkpoint(), model, adam);
            }
            for (TrainableParameters.Named p : TrainableParameters.all(model)) {
                out.put(p.name(), p.parameter().getArray().toFloatArray());
            }
        }
        return out;
    }

    private static void assertBitIdentical(String what, Map<String, float[]> a,
            Map<String, float[]> b) {
        assertThat(b.keySet()).isEqualTo(a.keySet());
        List<String> differ = new ArrayList<>();
        a.forEach((k, v) -> {
            float[] w = b.get(k);
            for (int i = 0; i < v.length; i++) {
                if (Float.floatToRawIntBits(v[i]) != Float.floatToRawIntBits(w[i])) {
                    differ.add(k + "[" + i + "] " + v[i] + " vs " + w[i]);
                    break;
                }
            }
        });
        assertThat(differ).as(what + ": parameters that differ").isEmpty();
    }
}
