package io.fadconv.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;

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
 * <p>That object is {@link #sharedObject()}, written by this class (no C compiler needed) into
 * the machine cache directory, and opened through JNA with {@code RTLD_GLOBAL} by
 * {@link EngineSetup} before the engine loads. It is taken only on non-Intel CPUs with AVX-512,
 * where it was measured (on Intel CPUs MKL already gets this answer);
 * {@code -Dfadconv.mkl=vendor} or {@code FADCONV_MKL=vendor} leaves MKL to its own choice.
 * {@link #branch()} asks MKL which branch it runs; {@code fadconv doctor} says it.
 */
public final class MklDispatch {

    /** The file name the shared object is written under. */
    public static final String FILE_NAME = "libfadconv-mkl-intel.so";

    /** The system property that turns it off ({@code vendor}). */
    public static final String PROPERTY = "fadconv.mkl";

    /** The environment variable that turns it off ({@code vendor}). */
    public static final String ENV = "FADCONV_MKL";

    /** Makes the start-up check fail, for tests of what follows ({@code true}). */
    static final String FAIL_PROPERTY = "fadconv.mkl.fail";

    private static final String VERDICTS = "mkl-branch";
    private static final String SYMBOL = "mkl_serv_intel_cpu_true";
    private static final byte[] RETURN_ONE = {(byte) 0xb8, 1, 0, 0, 0, (byte) 0xc3}; // mov eax,1; ret
    private static final int RTLD_NOW_GLOBAL = 0x102;

    private static final int PAGE = 0x1000;
    private static final int HEADER = 64;
    private static final int PROGRAM_HEADER = 56;
    private static final int PROGRAM_HEADERS = 4;
    private static final int SYMBOL_SIZE = 24;

    /** Held for the life of the process: JNA closes a library whose handle is collected. */
    private static NativeLibrary loaded;
    private static String notTaken = "the engine has not been set up";
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
        MachineFile verdict = verdicts(cpu);
        if (verdict != null && verdict.read().hasNonNull("wrong")) {
            return "an earlier run here found its products wrong: " + verdict.read().get("wrong")
                    .asText() + "; 'fadconv doctor --recheck' lets the next run try again";
        }
        if (loaded == null) {
            try {
                loaded = NativeLibrary.getInstance(file().toString(),
                        Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW_GLOBAL));
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                return "cannot load " + FILE_NAME + ": " + e.getMessage();
            }
        }
        return null;
    }

    /**
     * Where the shared object is loaded, checks MKL's float32 products on the branch it chose
     * against float64 (ATen computes those on MKL's double-precision kernels): a product of the
     * kernel mixing's shape, im2col-bmm's and a small one, three rounds.
     *
     * @param manager where the arrays live
     * @throws IllegalStateException naming the product when one is wrong; the verdict is kept,
     *     so later processes leave MKL its own choice
     */
    static void check(NDManager manager) {
        if (loaded == null) {
            return;
        }
        try {
            check(manager, Boolean.getBoolean(FAIL_PROPERTY) ? 0 : 1e-4);
        } catch (IllegalStateException e) {
            MachineFile verdict = verdicts(CpuInfo.read());
            if (verdict != null) { // the next process leaves MKL its own choice
                verdict.put("wrong", com.fasterxml.jackson.databind.node.TextNode.valueOf(
                        e.getMessage()));
            }
            throw new IllegalStateException(e.getMessage() + "; later runs on this machine leave "
                    + "MKL its own choice: run the command again", e);
        }
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
            verdict.put("wrong", com.fasterxml.jackson.databind.node.NullNode.getInstance());
        }
    }

    /** What runs on this kind of CPU found: kept per CPU, before any engine version is known. */
    private static MachineFile verdicts(CpuInfo cpu) {
        return MachineFile.open(VERDICTS, cpu.describe() + " " + cpu.vectorFlags());
    }

    /**
     * {@link #check(NDManager)} at a tolerance of the caller's, whichever branch runs.
     *
     * @param manager where the arrays live
     * @param tolerance the largest relative error that passes
     */
    static void check(NDManager manager, double tolerance) {
        java.util.Random random = new java.util.Random(11);
        long[][] shapes = {{1, 8, 4, 36864}, {8, 256, 2304, 16}, {3, 17, 33, 9}};
        for (int round = 0; round < 3; round++) {
            for (long[] sh : shapes) {
                try (NDManager m = manager.newSubManager()) {
                    NDArray a = random(m, random, new Shape(sh[0], sh[1], sh[2]));
                    NDArray b = random(m, random, new Shape(sh[0], sh[2], sh[3]));
                    NDArray exact = a.toType(DataType.FLOAT64, false)
                            .matMul(b.toType(DataType.FLOAT64, false));
                    double err = a.matMul(b).toType(DataType.FLOAT64, false).sub(exact).abs()
                            .max().getDouble() / exact.abs().max().getDouble();
                    if (!(err <= tolerance)) {
                        throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                                "MKL's branch %d computed a wrong float32 product on this CPU "
                                        + "(%s x %s, relative error %.1e)",
                                NativeTorch.mklBranch(), a.getShape(), b.getShape(), err));
                    }
                }
            }
        }
    }

    /** Values from Java's generator, so a seeded run's engine generator is left as it was. */
    private static NDArray random(NDManager m, java.util.Random random, Shape shape) {
        float[] v = new float[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return m.create(v, shape);
    }

    /** The shared object's file: the machine cache directory's, or a temporary one. */
    private static Path file() {
        byte[] bytes = sharedObject();
        Path dir = MachineFile.directory();
        if (dir != null) {
            Path f = dir.resolve(FILE_NAME);
            try {
                if (!Files.isRegularFile(f) || !Arrays.equals(Files.readAllBytes(f), bytes)) {
                    write(f);
                }
                return f;
            } catch (IOException | UncheckedIOException e) {
                // a directory we cannot write: a file of this process's own
            }
        }
        try {
            Path f = Files.createTempDirectory("fadconv-mkl").resolve(FILE_NAME);
            write(f);
            f.toFile().deleteOnExit();
            f.getParent().toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The code branch MKL runs in this process ({@code mkl_serv_cpu_detect}, which MKL asks
     * itself): 0 is its default for CPUs it does not take for Intel's, on AMD its AVX2 kernels;
     * other values are branches chosen by instruction set (7 on the AMD EPYC Zen 5 with the
     * shared object loaded). Loads the engine.
     *
     * @return the branch
     */
    public static synchronized int branch() {
        if (branch < 0) {
            EngineSetup.ensure();
            branch = NativeTorch.mklBranch(); // fixed for the life of the process
        }
        return branch;
    }

    /**
     * One line for reports: the branch MKL runs here, and why.
     *
     * @return the description
     */
    public static synchronized String describe() {
        int b = branch();
        if (loaded != null) {
            return "branch " + b + ", chosen by instruction set (" + FILE_NAME + " answers MKL's"
                    + " vendor test; " + ENV + "=vendor leaves MKL its own choice)";
        }
        return "branch " + b + (b == 0 ? ", MKL's default for this CPU's vendor" : "")
                + " (" + FILE_NAME + " not loaded: " + notTaken + ")";
    }

    /**
     * How timings learned on this machine are told apart by MKL's branch: a per-sample strategy
     * timed on the AVX2 kernels need not win on the AVX-512 ones.
     *
     * @return {@code " mkl=branch"} and the branch
     */
    public static String timingKey() {
        return " mkl=branch" + branch();
    }

    /**
     * An x86-64 ELF shared object that defines {@code mkl_serv_intel_cpu_true} as a function
     * returning 1, and nothing else. Two loadable segments (code and symbols read-only and
     * executable; the dynamic section writable, as the loader relocates it in place), a
     * non-executable stack, and the SysV hash table the loader looks symbols up in.
     *
     * @return the file's bytes
     */
    public static byte[] sharedObject() {
        byte[] names = ("\0" + SYMBOL + "\0" + FILE_NAME + "\0").getBytes(StandardCharsets.US_ASCII);
        int symbolName = 1;
        int soname = 1 + SYMBOL.length() + 1;
        int hash = HEADER + PROGRAM_HEADERS * PROGRAM_HEADER;
        int hashSize = 4 * (2 + 1 + 2); // nbucket=1, nchain=2, one bucket, two chain entries
        int symbols = align(hash + hashSize, 8);
        int strings = symbols + 2 * SYMBOL_SIZE;
        int code = align(strings + names.length, 16);
        int codeEnd = code + RETURN_ONE.length;
        int dynamic = PAGE; // its own page, so the code's page stays read-only
        long[][] entries = {
            {4, hash}, {5, strings}, {6, symbols}, {10, names.length}, {11, SYMBOL_SIZE},
            {14, soname}, {0, 0}};
        int dynamicSize = entries.length * 16;

        ByteBuffer b = ByteBuffer.allocate(dynamic + dynamicSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]); // 64-bit, LE, v1
        b.putShort((short) 3).putShort((short) 62).putInt(1); // ET_DYN, x86-64, version
        b.putLong(0).putLong(HEADER).putLong(0).putInt(0); // entry, phoff, shoff, flags
        b.putShort((short) HEADER).putShort((short) PROGRAM_HEADER)
                .putShort((short) PROGRAM_HEADERS)
                .putShort((short) 64).putShort((short) 0).putShort((short) 0); // no sections
        programHeader(b, 1, 5, 0, codeEnd, PAGE); // PT_LOAD, R+X
        programHeader(b, 1, 6, dynamic, dynamicSize, PAGE); // PT_LOAD, R+W
        programHeader(b, 2, 6, dynamic, dynamicSize, 8); // PT_DYNAMIC
        programHeader(b, 0x6474e551, 6, 0, 0, 16); // PT_GNU_STACK, not executable

        b.position(hash);
        b.putInt(1).putInt(2).putInt(1).putInt(0).putInt(0); // bucket -> symbol 1, end of chain
        b.position(symbols + SYMBOL_SIZE); // symbol 0 stays null
        b.putInt(symbolName).put((byte) 0x12).put((byte) 0).putShort((short) 1) // global function
                .putLong(code).putLong(RETURN_ONE.length);
        b.position(strings);
        b.put(names);
        b.position(code);
        b.put(RETURN_ONE);
        b.position(dynamic);
        for (long[] e : entries) {
            b.putLong(e[0]).putLong(e[1]);
        }
        return b.array();
    }

    private static void programHeader(ByteBuffer b, int type, int flags, long at, long size,
            long align) {
        b.putInt(type).putInt(flags).putLong(at).putLong(at).putLong(at).putLong(size)
                .putLong(size).putLong(align);
    }

    private static int align(int n, int to) {
        return (n + to - 1) / to * to;
    }

    /**
     * Writes {@link #sharedObject()} to a file, through a temporary file renamed into place.
     *
     * @param file where
     */
    static void write(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, FILE_NAME, ".tmp");
            Files.write(tmp, sharedObject());
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
