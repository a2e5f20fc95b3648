package io.fadconv.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Which code path Intel's MKL, linked into libtorch, takes for PyTorch's float32 matrix products
 * ({@code mm}, {@code bmm}: FADConv's kernel mixing and im2col-bmm's per-sample products).
 *
 * <p>MKL picks its kernels by CPU vendor before it looks at the instruction set: on an AMD CPU it
 * runs its AVX2 kernels ({@code mkl_blas_def_sgemm_kernel_0_zen}) even where the CPU has AVX-512.
 * The vendor test is one exported function, {@code mkl_serv_intel_cpu_true}, which libtorch calls
 * through its symbol table. A shared object that defines a function of that name answering 1,
 * loaded into the global symbol scope before libtorch, makes MKL choose by instruction set alone.
 * On the AMD EPYC Zen 5 this was measured on, a 2048 x 2048 product went from 130 to 250-253
 * GFLOP/s, and im2col-bmm's {@code [8, 512, 4608] x [8, 4608, 64]} from 139-148 to 284-364
 * GFLOP/s, with float32-against-float64 errors of 1e-6 in 300 random products, as on the AVX2
 * path.
 *
 * <p>That object is {@link MklVendorShim}, written in Java (no C compiler needed) into the
 * machine cache directory, and opened through JNA with {@code RTLD_GLOBAL} by
 * {@link EngineSetup} before the engine loads. It is taken only on non-Intel CPUs with AVX-512,
 * where it was measured (on Intel CPUs MKL already gets this answer);
 * {@code -Dfadconv.mkl=vendor} or {@code FADCONV_MKL=vendor} leaves MKL to its own choice.
 * {@link #branch()} asks MKL which branch it runs; {@code fadconv doctor} says it.
 */
public final class MklDispatch {

    /** The system property that turns it off ({@code vendor}). */
    public static final String PROPERTY = "fadconv.mkl";

    /** The environment variable that turns it off ({@code vendor}). */
    public static final String ENV = "FADCONV_MKL";

    /** Makes the start-up check fail, for tests of what follows ({@code true}). */
    static final String FAIL_PROPERTY = "fadconv.mkl.fail";

    private static final String VERDICTS = "mkl-branch";
    private static final int RTLD_NOW_GLOBAL = 0x102;

    /** Held for the life of the process: JNA closes a library whose handle is collected. */
    private static volatile NativeLibrary loaded;
    private static volatile String notTaken = "the engine has not been set up";
    private static int branch = -1;

    private MklDispatch() {}

    /**
     * Loads the shared object into the global symbol scope, where the CPU and the settings ask
     * for it. Must run before libtorch loads: MKL asks its vendor question once.
     *
     * @param cpu this machine's processor
     * @return why not, or null when it is loaded
     */
    static synchronized String takeIntelPath(CpuInfo cpu) {
        notTaken = decide(cpu);
        return notTaken;
    }

    private static String decide(CpuInfo cpu) {
        String setting = System.getProperty(PROPERTY, System.getenv(ENV));
        if ("vendor".equalsIgnoreCase(setting)) {
            return "-D" + PROPERTY + " or " + ENV + " is 'vendor'";
        }
        String arch = System.getProperty("os.arch", "");
        if (!System.getProperty("os.name", "").startsWith("Linux")
                || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "not Linux on x86-64";
        }
        if ("GenuineIntel".equals(cpu.vendor()) || !cpu.flags().contains("avx512f")) {
            return "MKL's own choice is the one measured fastest for this CPU";
        }
        MachineFile verdicts = verdicts(cpu);
        JsonNode wrong = verdicts == null ? null
                : verdicts.read().get("wrong");
        if (wrong != null && !wrong.isNull()) {
            return "an earlier run here found its products wrong: " + wrong.asText()
                    + "; 'fadconv doctor --recheck' lets the next run try again";
        }
        if (loaded == null) {
            try {
                loaded = NativeLibrary.getInstance(MklVendorShim.file().toString(),
                        Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW_GLOBAL));
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                return "cannot load " + MklVendorShim.FILE_NAME + ": " + e.getMessage();
            }
        }
        return null;
    }

    /**
     * Where the shared object is loaded, settles MKL's vector math ({@link #settleVectorMath})
     * and checks MKL's float32 results on the branch it chose against float64 (ATen computes
     * those on MKL's double-precision kernels): a product of the kernel mixing's shape,
     * im2col-bmm's and a small one, three rounds, then the vector functions of
     * {@link #VECTOR_CHECKS} on enough values for ATen to split them between its threads. Call
     * once the engine is loaded.
     *
     * @throws IllegalStateException naming the product or function when one is wrong; the
     *     verdict is kept, so later processes leave MKL its own choice
     */
    static void check() {
        if (loaded == null) {
            return;
        }
        String wrong;
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            if (!Boolean.getBoolean(UNSETTLED_PROPERTY)) {
                settleVectorMath(m);
            }
            boolean failing = Boolean.getBoolean(FAIL_PROPERTY);
            wrong = wrongProduct(m, failing ? 0 : 1e-4);
            if (wrong == null) {
                wrong = wrongVectorMath(m, failing ? 0 : 1e-5);
            }
        }
        if (wrong != null) {
            MachineFile verdicts = verdicts(CpuInfo.read());
            if (verdicts != null) { // the next process leaves MKL its own choice
                verdicts.put("wrong", TextNode.valueOf(wrong));
            }
            throw new IllegalStateException(wrong + "; later runs on this machine leave MKL its "
                    + "own choice: run the command again");
        }
    }

    /**
     * MKL's vector-math functions ATen 2.7.1 calls for float32 and float64 tensors
     * ({@code IMPLEMENT_VML_MKL} in {@code aten/src/ATen/cpu/vml.h}), by their MKL names.
     */
    static final List<String> VECTOR_MATH = List.of("Acos", "Asin", "Atan", "Cos", "Erf", "Erfc",
            "ErfInv", "Exp", "Ln", "Log10", "Log2", "Sin", "Sqrt", "Tan", "Tanh", "Trunc");

    /**
     * Leaves MKL's vector math to its first use on ATen's threads ({@code true}): for
     * measuring what {@link #settleVectorMath} prevents.
     */
    static final String UNSETTLED_PROPERTY = "fadconv.mkl.unsettled";

    /**
     * Makes MKL's vector math's first calls before the run's: each of {@link #VECTOR_MATH} once,
     * float32 and float64, on a few values from this thread alone, then each of
     * {@link #VECTOR_CHECKS} once on values ATen splits between its threads, results unused.
     * Why: on the AMD EPYC Zen 5 with the shared object loaded, the first float32 {@code exp} of
     * a process, split by ATen between its two threads, came back wrong on the second thread's
     * half (relative errors up to 1.5e-4, the same values each time) in 19 of 225 processes, and
     * every later call was right; MKL's own branch never showed it (docs/engine-correctness.md).
     * The cause inside MKL is not known, and the error later became rare with or without these
     * calls, so they are made both ways, and {@link #check} then compares the functions
     * threaded.
     *
     * @param manager where the threaded calls' arrays live
     */
    static void settleVectorMath(NDManager manager) {
        int n = 64;
        try (Memory floats = new Memory(4L * n); Memory doubles = new Memory(8L * n);
                Memory out = new Memory(8L * n)) {
            for (int i = 0; i < n; i++) { // 0.01 to 0.64: in every function's domain
                floats.setFloat(4L * i, 0.01f * (i + 1));
                doubles.setDouble(8L * i, 0.01 * (i + 1));
            }
            for (String f : VECTOR_MATH) {
                NativeTorch.mklVectorMath(f, false, floats, out, n);
                NativeTorch.mklVectorMath(f, true, doubles, out, n);
            }
        }
        for (VectorCheck c : VECTOR_CHECKS) {
            try (NDManager m = manager.newSubManager()) {
                c.op().apply(m.create(c.arguments(new Random(17)))).toFloatArray();
            }
        }
    }

    /**
     * A vector function {@link #check} compares, float32 against float64.
     *
     * @param name the name in messages
     * @param op the ATen operation
     * @param lo the smallest argument
     * @param hi the largest argument
     */
    record VectorCheck(String name, UnaryOperator<NDArray> op, double lo, double hi) {

        /** Enough values for ATen to split the call between its threads. */
        static final int VALUES = 1 << 16;

        /**
         * Arguments drawn uniformly from the function's range.
         *
         * @param random the generator
         * @return {@link #VALUES} arguments
         */
        float[] arguments(Random random) {
            float[] x = new float[VALUES];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (lo + (hi - lo) * random.nextDouble());
            }
            return x;
        }
    }

    /** The vector functions this project's training and inference call (and two more). */
    static final List<VectorCheck> VECTOR_CHECKS = List.of(
            new VectorCheck("exp", NDArray::exp, -6, 3),
            new VectorCheck("log", NDArray::log, 0.01, 10),
            new VectorCheck("sqrt", NDArray::sqrt, 0.01, 10),
            new VectorCheck("tanh", NDArray::tanh, -3, 3),
            new VectorCheck("sin", NDArray::sin, -3, 3),
            new VectorCheck("cos", NDArray::cos, -3, 3));

    /**
     * The first of {@link #VECTOR_CHECKS} whose float32 result is further from float64 than a
     * tolerance, relative to each value (the wrong {@code exp} above was within 1.2e-4 of
     * values below 1, so a tolerance relative to the largest value would miss it over a range
     * where {@code exp} reaches 20).
     *
     * @param manager where the arrays live
     * @param tolerance the largest relative error that passes
     * @return the function and its error, or null when all pass
     */
    static String wrongVectorMath(NDManager manager, double tolerance) {
        Random random = new Random(13);
        for (VectorCheck c : VECTOR_CHECKS) {
            try (NDManager m = manager.newSubManager()) {
                float[] x = c.arguments(random);
                float[] got = c.op().apply(m.create(x)).toFloatArray();
                double[] ref = c.op().apply(m.create(x).toType(DataType.FLOAT64, false))
                        .toDoubleArray();
                double err = 0;
                for (int i = 0; i < x.length; i++) {
                    // Math.max keeps a NaN, which then fails the comparison below
                    err = Math.max(err, Math.abs(got[i] - ref[i])
                            / Math.max(Math.abs(ref[i]), 1e-3));
                }
                if (!(err <= tolerance)) {
                    return String.format(Locale.ROOT, "MKL's branch %d computed a wrong "
                            + "float32 %s on this CPU (%d values, relative error %.1e)",
                            NativeTorch.mklBranch(), c.name(), x.length, err);
                }
            }
        }
        return null;
    }

    /**
     * Forgets that an earlier run found MKL's products wrong on this CPU, so the next process
     * takes the branch and checks it again ({@code fadconv doctor --recheck}).
     *
     * @param cpu this machine's processor
     */
    static void forget(CpuInfo cpu) {
        MachineFile verdict = verdicts(cpu);
        if (verdict != null) {
            verdict.put("wrong", NullNode.getInstance());
        }
    }

    /** What runs on this kind of CPU found: kept per CPU, before any engine version is known. */
    private static MachineFile verdicts(CpuInfo cpu) {
        return MachineFile.open(VERDICTS, cpu.describe() + " " + cpu.vectorFlags());
    }

    /**
     * The first of {@link #check()}'s products whose float32 result is further from float64 than
     * a tolerance, whichever branch runs; the data come from Java's generator (as the engine
     * check's), so a seeded run's engine generator is left as it was.
     *
     * @param manager where the arrays live
     * @param tolerance the largest relative error that passes
     * @return the product and its error, or null when all pass
     */
    static String wrongProduct(NDManager manager, double tolerance) {
        Random random = new Random(11);
        long[][] shapes = {{1, 8, 4, 36864}, {8, 256, 2304, 16}, {3, 17, 33, 9}};
        for (int round = 0; round < 3; round++) {
            for (long[] sh : shapes) {
                try (NDManager m = manager.newSubManager()) {
                    Shape as = new Shape(sh[0], sh[1], sh[2]);
                    Shape bs = new Shape(sh[0], sh[2], sh[3]);
                    float[] av = EngineCheck.gaussian(random, as.size());
                    float[] bv = EngineCheck.gaussian(random, bs.size());
                    double[] exact = EngineCheck.doubles(EngineCheck.create(m, av, as,
                            DataType.FLOAT64).matMul(EngineCheck.create(m, bv, bs,
                            DataType.FLOAT64)));
                    double err = EngineCheck.relativeError(EngineCheck.doubles(m.create(av, as)
                            .matMul(m.create(bv, bs))), exact);
                    if (!(err <= tolerance)) {
                        return String.format(Locale.ROOT, "MKL's branch %d computed a "
                                + "wrong float32 product on this CPU (%s x %s, relative error "
                                + "%.1e)", NativeTorch.mklBranch(), as, bs, err);
                    }
                }
            }
        }
        return null;
    }

    /**
     * The code branch MKL runs in this process ({@code mkl_serv_cpu_detect}, which MKL asks
     * itself): 0 is its default for CPUs it does not take for Intel's, on AMD its AVX2 kernels;
     * other values are branches chosen by instruction set (7 on the AMD EPYC Zen 5 with the
     * shared object loaded). Loads the engine.
     *
     * @return the branch
     */
    public static int branch() {
        EngineSetup.ensure();
        return loadedBranch();
    }

    /** {@link #branch()} once the engine is loaded, also while it is being set up. */
    private static synchronized int loadedBranch() {
        if (branch < 0) {
            branch = NativeTorch.mklBranch(); // fixed for the life of the process
        }
        return branch;
    }

    /**
     * One line for reports: the branch MKL runs here, and why.
     *
     * @return the description
     */
    public static String describe() {
        int b = branch(); // not under this class's lock: the set-up takes it inside its own
        if (loaded != null && b > 0) {
            return "branch " + b + ", chosen by instruction set (" + MklVendorShim.FILE_NAME
                    + " answers MKL's vendor test; " + ENV + "=vendor leaves MKL its own choice)";
        }
        if (loaded != null) {
            return "branch " + b + ", although " + MklVendorShim.FILE_NAME + " is loaded (MKL "
                    + "asked its vendor question before, when libtorch was loaded elsewhere?)";
        }
        return "branch " + b + (b == 0 ? ", MKL's default for this CPU's vendor" : "")
                + " (" + MklVendorShim.FILE_NAME + " not loaded: " + notTaken + ")";
    }

    /**
     * How timings learned on this machine are told apart by MKL's branch: a per-sample strategy
     * timed on the AVX2 kernels need not win on the AVX-512 ones. The engine must be loaded (it
     * may still be being set up: the configuration race keys its timings so).
     *
     * @return {@code " mkl=branch"} and the branch
     */
    static String timingKey() {
        return " mkl=branch" + loadedBranch();
    }
}
