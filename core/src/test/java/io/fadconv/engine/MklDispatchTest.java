package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.fadconv.testing.SystemProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MKL's branch: a process set up as every command is runs MKL on an instruction-set branch
 * where MKL's own choice is its vendor default (MKL says which it runs), and MKL's products on
 * the branch taken in this JVM agree with float64.
 */
class MklDispatchTest {

    @Test
    void aProcessSetUpAsEveryCommandIsRunsMklsAvx512PathWhereTheCpuHasIt(@TempDir Path cache)
            throws Exception {
        CpuInfo cpu = CpuInfo.read();
        String taken = branch(probe(cache, List.of(), List.of()));
        String vendor = branch(probe(cache, List.of(MklDispatch.ENV + "=vendor"), List.of()));
        if (takenHere(cpu)) {
            assertThat(vendor).as("MKL's own choice on this vendor's CPU").isEqualTo("mklBranch=0");
            assertThat(taken).as("with the shared object").matches("mklBranch=[1-9][0-9]*");
        } else {
            assertThat(taken).as("nothing changed where it is not taken").isEqualTo(vendor);
        }
    }

    /**
     * A branch whose products the start-up check finds wrong (made to fail here) stops that run
     * with one line, and later runs on the machine leave MKL its own choice until
     * {@code doctor --recheck} forgets the verdict.
     */
    @Test
    void aBranchFoundWrongIsAnErrorOnceAndLaterRunsLeaveMklItsOwnChoice(@TempDir Path cache)
            throws Exception {
        CpuInfo cpu = CpuInfo.read();
        org.junit.jupiter.api.Assumptions.assumeTrue(takenHere(cpu),
                "the branch is not taken on this CPU");
        Run failed = probe(cache, List.of(), List.of("-D" + MklDispatch.FAIL_PROPERTY + "=true"));
        assertThat(failed.exit()).isNotZero();
        assertThat(failed.text()).contains("computed a wrong float32 product on this CPU")
                .contains("later runs on this machine leave MKL its own choice");
        assertThat(branch(probe(cache, List.of(), List.of()))).isEqualTo("mklBranch=0");
        try (SystemProperties p = new SystemProperties()
                .set("fadconv.engine.cache.dir", cache.toString())) {
            MklDispatch.forget(cpu); // what doctor --recheck does, in the children's cache
        }
        assertThat(branch(probe(cache, List.of(), List.of()))).matches("mklBranch=[1-9][0-9]*");
    }

    private static boolean takenHere(CpuInfo cpu) {
        return cpu.flags().contains("avx512f") && !"GenuineIntel".equals(cpu.vendor());
    }

    private record Run(int exit, String text) {}

    private static String branch(Run run) {
        assertThat(run.exit()).as(run.text()).isZero();
        return run.text().lines().filter(l -> l.startsWith("mklBranch=")).findFirst()
                .orElseThrow();
    }

    private static Run probe(Path cache, List<String> env, List<String> jvm)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                "-Dfadconv.engine.race=off"));
        cmd.addAll(jvm);
        cmd.add(MklProductProbe.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove(MklDispatch.ENV);
        pb.environment().put("FADCONV_ENGINE_CACHE_DIR", cache.toString());
        for (String e : env) {
            pb.environment().put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void theStartUpCheckPassesHereAndNamesAWrongProductInOneLine() {
        EngineSetup.ensure();
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            assertThat(MklDispatch.wrongProduct(m, 1e-4)).isNull();
            // no float32 product equals its float64 value: at tolerance 0 each one is "wrong"
            assertThat(MklDispatch.wrongProduct(m, 0)).contains("wrong float32 product")
                    .contains("(1, 8, 4) x (1, 4, 36864)").doesNotContain("\n");
        }
    }

    @Test
    void theStartUpCheckPassesHereAndNamesAWrongVectorFunctionInOneLine() {
        EngineSetup.ensure();
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            assertThat(MklDispatch.wrongVectorMath(m, 1e-5)).isNull();
            // float32 exp is not float64 exp to the last bit: at tolerance 0 it is "wrong"
            assertThat(MklDispatch.wrongVectorMath(m, 0)).contains("wrong float32 exp")
                    .contains("65536 values").doesNotContain("\n");
        }
    }

    @Test
    void everyVectorFunctionAtenCallsIsMklsAndIsSettledFromOneThread() {
        EngineSetup.ensure();
        // each name resolves in libtorch (an unknown one throws) and runs on a few values
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            MklDispatch.settleVectorMath(m);
        }
        assertThat(MklDispatch.VECTOR_MATH).hasSize(16).contains("Exp", "Ln", "Sqrt", "Tanh");
        try (com.sun.jna.Memory in = new com.sun.jna.Memory(4L * 3);
                com.sun.jna.Memory out = new com.sun.jna.Memory(4L * 3)) {
            in.write(0, new float[] {0f, 1f, -2f}, 0, 3);
            NativeTorch.mklVectorMath("Exp", false, in, out, 3);
            float[] y = out.getFloatArray(0, 3);
            assertThat(y[0]).isEqualTo(1f);
            assertThat((double) y[1]).isCloseTo(Math.E, org.assertj.core.data.Offset.offset(1e-6));
            assertThat((double) y[2]).isCloseTo(Math.exp(-2),
                    org.assertj.core.data.Offset.offset(1e-7));
        }
    }

    @Test
    void productsOnThePathTakenAgreeWithFloat64() {
        EngineSetup.ensure();
        Random r = new Random(7);
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            for (int t = 0; t < 24; t++) {
                try (NDManager s = m.newSubManager()) {
                    int b = 1 + r.nextInt(8);
                    int i = t % 4 == 0 ? 512 : 1 + r.nextInt(300);
                    int k = t % 4 == 0 ? 4608 : 1 + r.nextInt(1200);
                    int j = t % 4 == 0 ? 64 : 1 + r.nextInt(200);
                    NDArray x = s.randomNormal(new Shape(b, i, k));
                    NDArray y = s.randomNormal(new Shape(b, k, j));
                    NDArray exact = x.toType(DataType.FLOAT64, false)
                            .matMul(y.toType(DataType.FLOAT64, false));
                    NDArray err = x.matMul(y).toType(DataType.FLOAT64, false).sub(exact).abs();
                    double rel = err.max().getDouble() / exact.abs().max().getDouble();
                    assertThat(rel).as("[%d, %d, %d] x [%d, %d, %d] (MKL %s)", b, i, k, b, k, j,
                            MklDispatch.describe()).isLessThan(1e-5);
                }
            }
        }
    }
}
