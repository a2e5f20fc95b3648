package io.fadconv.engine;

import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Path;

/**
 * The few switches of the PyTorch native that DJL does not expose, called through JNA (which DJL
 * already depends on). Every symbol used here is exported by libtorch 2.7.1's shared libraries;
 * a missing symbol surfaces as an {@link UnsatisfiedLinkError} naming it.
 */
final class NativeTorch {

    private static NativeLibrary c10;
    private static NativeLibrary torchCpu;
    private static Pointer context;

    private NativeTorch() {}

    /**
     * Sets a variable in the process environment, where the native libraries read it (Java's
     * {@code System.getenv} keeps its own copy and does not see it).
     *
     * @param name the variable
     * @param value its value
     * @param overwrite whether to replace a value the user set
     */
    static void setenv(String name, String value, boolean overwrite) {
        Function f = NativeLibrary.getInstance("c").getFunction("setenv");
        f.invokeInt(new Object[] {name, value, overwrite ? 1 : 0});
    }

    /**
     * Reads a variable from the process environment as the native libraries see it.
     *
     * @param name the variable
     * @return its value or null
     */
    static String getenv(String name) {
        Function f = NativeLibrary.getInstance("c").getFunction("getenv");
        Pointer p = (Pointer) f.invoke(Pointer.class, new Object[] {name});
        return p == null ? null : p.getString(0);
    }

    /**
     * Makes libtorch's C++ logging honour {@code TORCH_CPP_LOG_LEVEL}. DJL never calls
     * {@code c10::initLogging}, so without this the variable is ignored and warnings such as
     * NNPACK's "Unsupported hardware" reach stderr once per convolution.
     */
    static synchronized void initLogging() {
        c10().getFunction("_ZN3c1011initLoggingEv").invoke(Void.class, new Object[0]);
    }

    /**
     * The minimum level libtorch's C++ logging prints (0 info, 1 warning, 2 error, 3 fatal).
     *
     * @return the level
     */
    static synchronized int logLevel() {
        return c10().getGlobalVariableAddress("FLAGS_caffe2_log_level").getInt(0);
    }

    /**
     * Lets ATen use oneDNN for convolutions, or not ({@code at::Context::setUserEnabledMkldnn}).
     * Read by ATen at every convolution, forward and backward; takes effect at once.
     *
     * @param enabled true to allow oneDNN
     */
    static synchronized void setOneDnnEnabled(boolean enabled) {
        torchCpu().getFunction("_ZN2at7Context20setUserEnabledMkldnnEb")
                .invoke(Void.class, new Object[] {context(), enabled});
    }

    /**
     * Whether ATen may use oneDNN.
     *
     * @return the flag
     */
    static synchronized boolean oneDnnEnabled() {
        int v = torchCpu().getFunction("_ZNK2at7Context17userEnabledMkldnnEv")
                .invokeInt(new Object[] {context()});
        return (v & 0xff) != 0;
    }

    /**
     * The number of threads ATen's intra-op pool uses.
     *
     * @return the thread count
     */
    static synchronized int intraOpThreads() {
        return torchCpu().getFunction("_ZN2at15get_num_threadsEv").invokeInt(new Object[0]);
    }

    /**
     * The code branch MKL (linked into libtorch) dispatches its kernels to: 0 is its default for
     * CPUs it does not take for Intel's, other values name an instruction-set branch
     * ({@code mkl_serv_cpu_detect}, the function MKL itself asks).
     *
     * @return the branch
     */
    static synchronized int mklBranch() {
        return torchCpu().getFunction("mkl_serv_cpu_detect").invokeInt(new Object[0]);
    }

    /**
     * Calls one of MKL's vector-math functions ({@code vms<name>} on float32, {@code vmd<name>}
     * on float64) as ATen's {@code vml.h} does: high accuracy, denormals kept, errors ignored.
     *
     * @param name the function's MKL name, e.g. {@code Exp}, {@code Ln}
     * @param float64 whether the double-precision variant is called
     * @param in the arguments
     * @param out where the results go (as large as {@code in})
     * @param n the number of values
     */
    static synchronized void mklVectorMath(String name, boolean float64, Pointer in, Pointer out,
            long n) {
        long mode = 0x2L /* VML_HA */ | 0x140000L /* VML_FTZDAZ_OFF */
                | 0x100L /* VML_ERRMODE_IGNORE */;
        // n as a 64-bit value: right under MKL's LP64 interface (its low half) and ILP64 alike
        torchCpu().getFunction((float64 ? "vmd" : "vms") + name)
                .invoke(Void.class, new Object[] {n, in, out, mode});
    }

    private static Pointer context() {
        if (context == null) {
            context = (Pointer) torchCpu().getFunction("_ZN2at13globalContextEv")
                    .invoke(Pointer.class, new Object[0]);
        }
        return context;
    }

    private static NativeLibrary torchCpu() {
        if (torchCpu == null) {
            torchCpu = library("libtorch_cpu.so");
        }
        return torchCpu;
    }

    private static NativeLibrary c10() {
        if (c10 == null) {
            c10 = library("libc10.so");
        }
        return c10;
    }

    /** The library DJL loaded: the same file, so the same handle and the same globals. */
    private static NativeLibrary library(String file) {
        return NativeLibrary.getInstance(Path.of(LibUtils.getLibtorchPath(), file).toString());
    }
}
