package io.fadconv.cli;

import io.fadconv.Djl;
import io.fadconv.engine.EngineCheck;
import io.fadconv.engine.EngineConfig;
import io.fadconv.engine.EngineSetup;
import io.fadconv.engine.EngineStatus;
import io.fadconv.engine.FmaPeak;
import io.fadconv.engine.JvmThreads;
import io.fadconv.engine.MklDispatch;
import io.fadconv.engine.NativeMemory;
import io.fadconv.nn.ConvTuner;
import io.fadconv.train.LayoutChoice;
import io.fadconv.util.Json;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv doctor}: the machine, the engine, and how convolutions run here. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Prints the CPU, Java, DJL and PyTorch versions, threads, the engine "
                + "self-check's figures (float32 against float64 convolutions, forward and both "
                + "gradients) and the engine configuration in use. Exit code 1 when the "
                + "configuration in use fails its check.",
            "Force a configuration with -Dfadconv.engine=NAME (in FADCONV_JAVA_OPTS) or "
                + "FADCONV_ENGINE=NAME; names: auto, " + "default, channels-last, "
                + "channels-last-inference, channels-last-guarded, onednn-off, isa-avx2, isa-sse41."})
final class DoctorCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--rounds", paramLabel = "N",
            description = "Check the configuration in use again with N rounds (the start-up "
                    + "check runs " + EngineCheck.DEFAULT_REPEATS + "); errors were intermittent "
                    + "on the CPU found affected.")
    Integer rounds;

    @Option(names = "--json", description = "Print JSON for machines.")
    boolean json;

    @Option(names = "--race", description = "Time the correct configurations against each "
            + "other again instead of taking the winner remembered for this machine, and "
            + "remember the new winner (run it on a quiet machine).")
    boolean race;

    @Option(names = "--recheck", description = "Forget the configurations earlier runs found "
            + "wrong on this machine and check them again (one found wrong again is remembered "
            + "again).")
    boolean recheck;

    @Option(names = "--retune", description = "Forget the per-sample convolution strategies "
            + "timed on this machine before, so that the next run times each geometry again (a "
            + "choice is timed once and kept; run the next one on a quiet machine).")
    boolean retune;

    @Override
    public Integer call() throws Exception {
        if (rounds != null && rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        if (race && recheck) {
            throw new IllegalArgumentException("--race and --recheck cannot be combined: run "
                    + "--recheck first, then --race");
        }
        EngineStatus s = race ? EngineSetup.raceOnceMore()
                : recheck ? EngineSetup.recheck() : Djl.status();
        EngineCheck.Report again = rounds == null ? null : EngineCheck.run(s.config(), rounds);
        Integer forgotten = retune ? ConvTuner.forgetRemembered() : null;
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? json(s, again, forgotten) : text(s, again, forgotten));
        out.flush();
        EngineCheck.Report active = again != null ? again : s.activeCheck();
        return active == null || active.passed() ? 0 : 1;
    }

    private static String json(EngineStatus s, EngineCheck.Report again, Integer forgotten)
            throws Exception {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("java", System.getProperty("java.version"));
        root.put("status", s);
        root.put("fmaPeakGflops", fmaPeak(s).map(FmaPeak::gflops).orElse(null));
        root.put("fallback", s.fallback());
        root.put("warning", s.warning());
        root.put("nativeMemory", NativeMemory.measure());
        root.put("mklBranch", MklDispatch.branch());
        root.put("mkl", MklDispatch.describe());
        root.put("compilers", JvmThreads.compilers());
        if (again != null) {
            root.put("recheck", again);
        }
        if (forgotten != null) {
            root.put("retuneForgot", forgotten);
        }
        return Json.pretty(root) + "\n";
    }

    private static java.util.Optional<FmaPeak> fmaPeak(EngineStatus s) {
        return FmaPeak.of(s.cpu(), Runtime.getRuntime().availableProcessors());
    }

    private static String text(EngineStatus s, EngineCheck.Report again, Integer forgotten) {
        StringBuilder sb = new StringBuilder();
        line(sb, "Machine");
        line(sb, "  CPU            %s, %d logical CPUs", s.cpu().describe(),
                Runtime.getRuntime().availableProcessors());
        line(sb, "  Vector flags   %s", s.cpu().vectorFlags());
        line(sb, "  FMA peak       %s", fmaPeak(s).map(FmaPeak::describe)
                .orElse(FmaPeak.UNKNOWN));
        line(sb, "  Java           %s (%s), max heap %.1f GiB", System.getProperty("java.version"),
                System.getProperty("java.vm.name"), Runtime.getRuntime().maxMemory() / 1073741824.0);
        line(sb, "Engine");
        line(sb, "  DJL %s, PyTorch %s (CPU native)", s.djl(), s.pytorch());
        line(sb, "  Threads        %d (ATen intra-op)", s.threads());
        line(sb, "  oneDNN ISA cap %s", s.maxIsa() == null ? "none (DNNL_MAX_CPU_ISA unset)"
                : s.maxIsa());
        line(sb, "  C++ log level  %s", new String[] {"INFO", "WARNING", "ERROR", "FATAL"}
                [Math.max(0, Math.min(3, s.logLevel()))]);
        NativeMemory.Cost memory = NativeMemory.measure();
        String freed = memory.kept()
                ? "kept in the process (" + NativeMemory.VARIABLE + " as the fadconv launcher "
                        + "sets it)"
                : "given back to the system (start the JVM with " + NativeMemory.VARIABLE + "="
                        + NativeMemory.TUNABLES + ", as the fadconv launcher does)";
        line(sb, "  Freed memory   %s; a 64 MB tensor costs %.1f ms in new memory (paid again "
                + "each time memory is given back), %.1f ms in memory held", freed,
                memory.freshMillis(), memory.reusedMillis());
        line(sb, "  MKL products   %s", MklDispatch.describe());
        JvmThreads.Compilers jit = JvmThreads.compilers();
        line(sb, "  JIT compilers  %d threads, %d at nice %d under SCHED_IDLE %s", jit.threads(),
                jit.lowered(), JvmThreads.NICE, jit.yielding()
                        ? "(lowered before the tuner or a layout race times, so that they run "
                                + "on a free core, not beside the engine's threads)"
                        : "(-D" + JvmThreads.PROPERTY + "=share: they stay beside the engine's "
                                + "threads)");
        line(sb, "Configuration in use: %s (%s)", s.config(), s.forced() ? "forced"
                : s.fallback() ? "automatic fallback: PyTorch's default is wrong here"
                : s.race() != null ? "automatic: the faster of the correct ones here"
                : "automatic: PyTorch's default is right here");
        line(sb, "  %s", s.config().description());
        if (s.race() != null) {
            StringBuilder r = new StringBuilder();
            s.race().millis().forEach((c, ms) -> r.append(String.format(Locale.ROOT,
                    "%s %.0f ms training, %.0f ms inference; ", c, ms,
                    s.race().inferenceMillis().get(c))));
            line(sb, "  speed race (conv, BatchNorm, ReLU and per-sample conv at three network "
                    + "shapes; forward+backward, and forward alone): %s%s (%s; "
                    + "-Dfadconv.engine.race=off keeps the default)", r,
                    s.race().fastest(), s.race().how().equals("cached")
                            ? "remembered from an earlier run here; --race times it again"
                            : "timed now");
        }
        if (!s.skipped().isEmpty()) {
            line(sb, "  not tried, found wrong here by an earlier run: %s (--recheck checks "
                    + "them again)", s.skipped());
        }
        line(sb, "Self-check: float32 against float64, forward (y) and gradients (dx, dw); "
                + "wrong at a relative error of %.0e or NaN", EngineCheck.TOLERANCE);
        for (EngineCheck.Report r : s.checks()) {
            report(sb, r);
        }
        if (again != null) {
            line(sb, "Checked again:");
            report(sb, again);
        }
        line(sb, "Names: auto, %s. Force one with -Dfadconv.engine=NAME or FADCONV_ENGINE=NAME.",
                EngineConfig.names());
        if (forgotten != null) {
            line(sb, "Forgot %d per-sample convolution strateg%s remembered here: the next run "
                    + "times each geometry again", forgotten, forgotten == 1 ? "y" : "ies");
        }
        Map<String, String> tuned = ConvTuner.remembered();
        line(sb, "Per-sample convolution strategies of the dynamic layers: %s; %d geometr%s "
                + "timed here before%s", ConvTuner.enabled() ? "timed on first use of a geometry"
                : "tuning off (fixed rule)", tuned.size(), tuned.size() == 1 ? "y" : "ies",
                ConvTuner.rememberedFile() == null ? "" : " (" + ConvTuner.rememberedFile() + ")");
        tuned.forEach((k, v) -> line(sb, "  %-60s %s", k, v));
        Map<String, String> layouts = LayoutChoice.remembered();
        line(sb, "Training layout per network (timed at a run's first step, batch and tile): "
                + "%d network%s timed here before%s", layouts.size(),
                layouts.size() == 1 ? "" : "s", LayoutChoice.rememberedFile() == null ? ""
                        : " (" + LayoutChoice.rememberedFile() + ")");
        layouts.forEach((k, v) -> line(sb, "  %s: %s", k, v));
        line(sb, "Messages libtorch may print (hidden at log level ERROR; "
                + "TORCH_CPP_LOG_LEVEL=WARNING shows them):");
        line(sb, "  'Could not initialize NNPACK! Reason: Unsupported hardware.': NNPACK, an "
                + "optional convolution library for batch-1 inference, does not know this CPU; "
                + "PyTorch uses its other kernels. Harmless.");
        line(sb, "  'AutoNonVariableTypeMode is deprecated': DJL's native calls an API that "
                + "PyTorch renamed; nothing to do. Harmless.");
        return sb.toString();
    }

    private static void report(StringBuilder sb, EngineCheck.Report r) {
        line(sb, "  %s: %d round(s), %.0f ms%s", r.summary(), r.rounds(), r.millis(),
                r.identical() ? "" : ", repeated forward passes DIFFER");
        for (EngineCheck.CaseResult c : r.cases()) {
            line(sb, "    %-24s y %.1e  dx %.1e  dw %.1e%s", c.label(), c.y(), c.dx(), c.dw(),
                    c.right() ? "" : "  WRONG");
        }
    }

    private static void line(StringBuilder sb, String format, Object... args) {
        sb.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
