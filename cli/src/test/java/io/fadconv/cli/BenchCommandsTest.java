package io.fadconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every {@code fadconv bench} runner works end to end at toy sizes (no timing is checked). */
class BenchCommandsTest {

    @TempDir Path tmp;

    private static String ok(String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isZero();
        return r.out();
    }

    @Test
    void layerFormulationsAndDctReportEveryCandidate() {
        String layer = ok("bench", "layer", "--stages", "8x8", "--batch", "2", "--rounds", "1",
                "--warmup", "0", "--warmup-seconds", "0",
                "--conv", "static", "--conv", "fadconv:p=4", "--conv", "kw:b=1");
        assertThat(layer).contains("| 8ch 8x8 | static |").contains("| 8ch 8x8 | fadconv:p=4 |")
                .contains("| 8ch 8x8 | kw:b=1 |").contains("goal <= 1.30x")
                .as("the strategies its dynamic layers used, as bench model lists them")
                .contains("Per-sample convolution strategies (geometry, choice, how")
                .containsPattern("\\R  train B2 C8 8x8 O8 k3x3 s1x1 p1x1 d1x1 g1 K4 \\S+"
                        + "\\s+[A-Z0-9_]+\\s");
        String inference = ok("bench", "layer", "--inference", "--stages", "8x8", "--batch", "2",
                "--rounds", "1", "--warmup", "0", "--warmup-seconds", "0",
                "--conv", "static", "--conv", "fadconv:p=4");
        assertThat(inference).contains("| forward ms |").contains("| 8ch 8x8 | fadconv:p=4 |")
                .as("the goals are the training step's").doesNotContain("goal");
        assertThat(ok("bench", "formulations", "--stages", "8x8", "--batch", "2", "--rounds", "1",
                "--warmup", "0", "--warmup-seconds", "0"))
                .contains("| static | grouped | chunked-grouped | grouped-nchw | "
                        + "im2col-bmm | per-sample | expert-sum |")
                .contains("| 8ch 8x8 |").as("chunked-grouped cannot run batch 2").contains(" - |")
                .contains("Forward and backward (training):");
        assertThat(ok("bench", "formulations", "--inference", "--stages", "8x8", "--batch", "2",
                "--rounds", "1", "--warmup", "0", "--warmup-seconds", "0"))
                .contains("Forward alone, gradients off")
                .contains("| 8ch 8x8 |");
        assertThat(ok("bench", "dct", "--stages", "8x32", "--batch", "2", "--rounds", "1",
                "--warmup", "0", "--warmup-seconds", "0"))
                .contains("| 8ch 32x32 |").contains("| two |");
    }

    @Test
    void formulationsOfANetworkGoGeometryByGeometryBesideTheTunersChoice() {
        String[] quick = {"--size", "32", "--batch", "2", "--rounds", "1", "--warmup", "0",
            "--warmup-seconds", "0"};
        String out = ok(cat(new String[] {"bench", "formulations", "--model",
            "resnet18x0.25-unet"}, quick));
        assertThat(out).contains("resnet18x0.25-unet, 32 x 32, batch 2, fadconv, forward and "
                + "backward (training), per pass:")
                .contains("| geometry | layers | static | grouped |")
                // the first stage: 2 blocks of 2 convolutions at 16 channels, 8 x 8
                .containsPattern("\\| C16 8x8 O16 k3x3 s1 \\| 4 \\| [0-9.]+ ms \\|")
                .contains("the 16 dynamic layers' convolutions over static ones")
                // one round of single runs: the figure's value is noise here (one run put a
                // static convolution at 25 ms and the ratio below 0); its arithmetic is
                // NetworkFormulationsTableTest's
                .containsPattern("formulations allow: -?[0-9.]+x \\(static network plus");
        CliRun both = CliRun.of("bench", "formulations", "--model", "resnet18-unet", "--stages",
                "8x8");
        assertThat(both.code()).isEqualTo(1);
        assertThat(both.err()).contains("--model and --stages: give one");
        CliRun single = CliRun.of("bench", "formulations", "--model", "resnet18x0.25-unet",
                "--batch", "1");
        assertThat(single.code()).isEqualTo(1);
        assertThat(single.err()).contains("at batch 1 each sample is one convolution");
        CliRun fixed = CliRun.of(cat(new String[] {"bench", "formulations", "--model",
            "resnet18x0.25-unet", "--conv", "static"}, quick));
        assertThat(fixed.code()).isEqualTo(1);
        assertThat(fixed.err()).contains("has no per-sample convolution with it")
                .doesNotContain("Exception");
    }

    private static String[] cat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void formulationsRunUnderAConfigurationWhoseLayoutsDifferByMode() {
        // channels-last-inference trains in NCHW: grouped-nchw, a candidate outside gradient
        // recording, cannot run inside it, where the formulations are timed (the engine race can
        // pick this configuration, which once failed this command)
        io.fadconv.engine.EngineConfig before = io.fadconv.engine.EngineSetup.switchTo(
                io.fadconv.engine.EngineConfig.CHANNELS_LAST_INFERENCE);
        try {
            assertThat(ok("bench", "formulations", "--stages", "8x8", "--batch", "2", "--rounds",
                    "1", "--warmup", "0", "--warmup-seconds", "0")).contains("| 8ch 8x8 |");
        } finally {
            io.fadconv.engine.EngineSetup.switchTo(before);
        }
    }

    @Test
    void modelMatmulTiffAndJmhRun() {
        assertThat(ok("bench", "model", "--model", "resnet18x0.25-unet", "--size", "64",
                "--batch", "1", "--rounds", "1", "--warmup", "0", "--warmup-seconds", "0",
                "--profile", "1"))
                .contains("matrix-product limit").contains("| resnet18x0.25-unet | fadconv |")
                .contains("inference GFLOP/s (of limit, of nominal peak)")
                .contains("resnet18x0.25-unet, training step: self time per pass by op")
                .contains("resnet18x0.25-unet, inference: self time per pass by op")
                .contains("| op | static ms (calls) | fadconv ms (calls) | vs static |")
                // the 31 convolutions' backward: oneDNN's, or ATen's own where oneDNN is off;
                // channels-last-guarded computes the three 1 x 1 shortcuts as matrix products
                .containsPattern("\\| aten::(convolution_backward|_slow_conv2d_backward) \\| "
                        + "[0-9.]+ \\(" + (io.fadconv.engine.EngineSetup.active().guarded() ? 28
                                : 31) + "\\) \\|")
                .contains("| all ops |");
        CliRun negative = CliRun.of("bench", "model", "--profile", "-1");
        assertThat(negative.code()).isEqualTo(1);
        assertThat(negative.err()).contains("--profile takes a number of passes");
        assertThat(ok("bench", "matmul", "--size", "128"))
                .as("logical CPUs here, physical cores in the peak's line")
                .containsPattern(", [0-9]+ logical CPUs\\R")
                .containsPattern("matrix-product limit: [0-9]+ GFLOP/s \\(128 x 128 float32 matmul\\)")
                .containsPattern("nominal FMA peak: ([0-9]+ GFLOP/s = [0-9]+ cores x [0-9.]+ GHz"
                        + "|unknown for this processor)");
        assertThat(ok("bench", "tiff", "--scene", tmp.resolve("s.tif").toString(), "--size",
                "640x600", "--windows", "3")).contains("| this project (own decoder) |")
                .contains("| JDK TIFF plugin (javax.imageio) |").contains("| mil.nga:tiff 3.0.0 |")
                .contains("| ZSTD tiles: aircompressor 2.0.2 (pure Java) |")
                .contains("| ZSTD tiles: zstd-jni 1.5.7-28 (native) |");
        // JMH writes its listing to the process's stdout itself; here only that it runs
        ok("bench", "jmh", "-l");
    }

    @Test
    void threadsSetTheEngineForTheRunAndNameItsPeak() {
        int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        String property = System.getProperty("ai.djl.pytorch.num_threads");
        try {
            assertThat(ok("bench", "layer", "--threads", "1", "--stages", "8x8", "--batch", "2",
                    "--rounds", "1", "--warmup", "0", "--warmup-seconds", "0", "--conv", "static"))
                    .containsPattern(", [0-9]+ logical CPUs, engine on 1 thread\\R");
            assertThat(ai.djl.pytorch.jni.JniUtils.getNumThreads()).isEqualTo(1);
            assertThat(ok("bench", "model", "--threads", "1", "--model", "resnet18x0.25-unet",
                    "--size", "64", "--batch", "1", "--rounds", "1", "--warmup", "0",
                    "--warmup-seconds", "0", "--conv", "static")).contains("engine on 1 thread")
                    .as("one thread keeps one core busy")
                    .containsPattern("nominal FMA peak: ([0-9]+ GFLOP/s = 1 core x "
                            + "|unknown for this processor)");
            CliRun zero = CliRun.of("bench", "dct", "--threads", "0", "--stages", "8x32");
            assertThat(zero.code()).isEqualTo(1);
            assertThat(zero.err().strip())
                    .isEqualTo("fadconv: error: --threads must be >= 1, got 0");
        } finally {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(before);
            if (property == null) {
                System.clearProperty("ai.djl.pytorch.num_threads");
            } else {
                System.setProperty("ai.djl.pytorch.num_threads", property);
            }
        }
    }

    @Test
    void badStagesAreAOneLineError() {
        CliRun r = CliRun.of("bench", "layer", "--stages", "64by128");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo(
                "fadconv: error: --stages: '64by128' is not CHANNELSxSIZE, e.g. 64x128");
        CliRun negative = CliRun.of("bench", "layer", "--warmup-seconds", "-1");
        assertThat(negative.code()).isEqualTo(1);
        assertThat(negative.err().strip()).startsWith("fadconv: error: ")
                .contains("warmup seconds >= 0").contains("warmup seconds -1.0");
    }
}
