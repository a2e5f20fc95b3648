package io.fadconv.engine;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.util.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the PyTorch engine once per process and chooses how it runs convolutions, before any
 * model work: a correct configuration on every CPU, with nothing changed where PyTorch's default
 * is right. {@code io.fadconv.Djl.engine()} calls it; so does {@link EngineConv} on its first use,
 * so code that reaches the engine another way is covered too.
 *
 * <p>Steps: force DJL offline; set {@code TORCH_CPP_LOG_LEVEL=ERROR} unless the user chose a level,
 * and make libtorch honour it; apply a forced instruction-set cap before the engine's first
 * computation; then run the {@link EngineCheck} on each configuration of
 * {@link EngineConfig#AUTOMATIC} in order (those an earlier process found wrong on this kind of
 * machine are skipped) and keep the first that passes. A fallback is announced with one warning.
 *
 * <p>Properties (or environment variables): {@code fadconv.engine} ({@code FADCONV_ENGINE}) forces
 * a configuration by name, {@code auto} by default; {@code fadconv.engine.check.repeats} sets the
 * check's rounds; {@code fadconv.engine.fail} makes the check report failure for the named
 * configurations (comma-separated), to exercise the fallback; {@code fadconv.engine.cache=off}
 * ignores and keeps no verdicts.
 */
public final class EngineSetup {

    /** The only engine this project runs on. */
    public static final String ENGINE = "PyTorch";
    /** Forces a configuration by name. */
    public static final String PROPERTY = "fadconv.engine";
    /** The environment variable that forces a configuration when the property is unset. */
    public static final String ENV = "FADCONV_ENGINE";
    /** Makes the check fail for the named configurations (tests of the fallback). */
    public static final String FAIL_PROPERTY = "fadconv.engine.fail";
    /**
     * Turns the speed race between correct configurations off ({@code off}), or runs it again
     * instead of taking the winner remembered for this machine ({@code again}).
     */
    public static final String RACE_PROPERTY = "fadconv.engine.race";
    /** Rounds of the check. */
    public static final String REPEATS_PROPERTY = "fadconv.engine.check.repeats";

    private static final Logger LOG = LoggerFactory.getLogger(EngineSetup.class);

    private static volatile EngineStatus status;
    private static volatile EngineConfig active = EngineConfig.DEFAULT;

    private EngineSetup() {}

    /**
     * Sets {@code ai.djl.offline=true} and PyTorch as the default engine unless the caller chose
     * otherwise: the natives come from Maven, so a missing library is an error, never a download.
     */
    public static void forceOffline() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("ai.djl.default_engine") == null) {
            System.setProperty("ai.djl.default_engine", ENGINE);
        }
    }

    /**
     * Sets the engine up on first call (loads it, checks it, chooses the configuration).
     *
     * @return what was decided
     * @throws IllegalArgumentException when a forced configuration's name is unknown
     * @throws IllegalStateException when no configuration computes convolutions right here
     */
    public static EngineStatus ensure() {
        EngineStatus s = status;
        if (s != null) {
            return s;
        }
        synchronized (EngineSetup.class) {
            if (status == null) {
                status = setUp();
                String warning = status.warning();
                if (warning != null) {
                    LOG.warn(warning);
                }
            }
            return status;
        }
    }

    /**
     * Races the correct configurations again instead of taking the winner remembered for this
     * machine, makes the new winner the one in use and remembers it ({@code fadconv doctor
     * --race}); a forced configuration stays forced.
     *
     * @return the new decision
     */
    public static synchronized EngineStatus raceOnceMore() {
        EngineStatus before = ensure();
        return select(forced(), failing(), before.pytorch(), before.djl(), true);
    }

    /**
     * Forgets the configurations earlier runs found wrong on this machine and chooses again,
     * checking each ({@code fadconv doctor --recheck}): a verdict is otherwise kept for good, so
     * that an intermittent error seen once is not missed later. One found wrong again is
     * remembered again.
     *
     * @return the new decision
     */
    public static synchronized EngineStatus recheck() {
        EngineStatus before = ensure();
        VerdictCache cache = VerdictCache.open(before.machineKey());
        if (cache != null) {
            cache.forget();
        }
        MklDispatch.forget(CpuInfo.read()); // taken and checked again by the next process
        return select(forced(), failing(), before.pytorch(), before.djl(), false);
    }

    /**
     * The configuration convolutions run under (setting the engine up on first call).
     *
     * @return the configuration
     */
    public static EngineConfig active() {
        ensure();
        return active;
    }

    /**
     * The configuration applied now, without setting the engine up: what a convolution inside
     * the set-up's own checks runs under.
     *
     * @return the configuration applied
     */
    static EngineConfig applied() {
        return active;
    }

    /**
     * The configuration forced by property or environment, or null for automatic.
     *
     * @return the forced configuration or null
     * @throws IllegalArgumentException naming the valid names
     */
    public static EngineConfig forced() {
        String v = System.getProperty(PROPERTY);
        if (v == null) {
            v = System.getenv(ENV);
        }
        if (v == null || v.isBlank() || v.trim().equalsIgnoreCase("auto")) {
            return null;
        }
        return EngineConfig.of(v);
    }

    private static EngineStatus setUp() {
        forceOffline();
        EngineConfig forced = forced();
        // before the native loads: logging for libtorch, the ISA cap for oneDNN's first use
        NativeTorch.setenv("TORCH_CPP_LOG_LEVEL", "ERROR", false);
        if (forced != null && forced.maxIsa() != null) {
            NativeTorch.setenv("DNNL_MAX_CPU_ISA", forced.maxIsa(), true);
        }
        MklDispatch.takeIntelPath(CpuInfo.read()); // before libtorch loads: MKL asks once
        Engine engine = Engine.getEngine(ENGINE);
        NativeTorch.initLogging();
        MklDispatch.check();
        return select(forced, failing(), engine.getVersion(), Engine.getDjlVersion(),
                raceAgainAsked());
    }

    /**
     * Chooses and applies a configuration. Package-private so tests can run the choice again
     * with failures simulated, then restore the original with {@link #restore}.
     *
     * @param forced a forced configuration, or null for automatic
     * @param failing configurations whose check is made to fail
     * @param pytorch the native's version
     * @param djl DJL's version
     * @param raceAgain race the correct configurations even when a winner is remembered for
     *     this machine, and even when {@link #RACE_PROPERTY} is off
     * @return the decision (also made the active one)
     */
    static synchronized EngineStatus select(EngineConfig forced, Set<EngineConfig> failing,
            String pytorch, String djl, boolean raceAgain) {
        CpuInfo cpu = CpuInfo.read();
        int threads = NativeTorch.intraOpThreads();
        String maxIsa = NativeTorch.getenv("DNNL_MAX_CPU_ISA");
        int repeats = Integer.getInteger(REPEATS_PROPERTY, EngineCheck.DEFAULT_REPEATS);
        List<EngineCheck.Report> checks = new ArrayList<>();
        List<EngineConfig> skipped = new ArrayList<>();
        EngineConfig chosen = null;
        LayoutRace.Result race = null;
        if (forced != null) {
            checks.add(checkUnder(forced, repeats, failing));
            chosen = forced;
        } else {
            String key = EngineStatus.machineKey(cpu, pytorch, djl, threads, maxIsa);
            VerdictCache cache = VerdictCache.open(key);
            Set<EngineConfig> known = cache == null ? Set.of() : cache.wrong();
            List<EngineConfig> correct = new ArrayList<>();
            for (EngineConfig candidate : EngineConfig.AUTOMATIC) {
                // after a first correct configuration, only channels-last is checked further,
                // to race the default (both run oneDNN at full speed; which is faster varies)
                boolean racer = (raceAgain || raceEnabled())
                        && correct.equals(List.of(EngineConfig.DEFAULT))
                        && candidate == EngineConfig.CHANNELS_LAST;
                if (!correct.isEmpty() && !racer) {
                    break;
                }
                if (known.contains(candidate)) {
                    skipped.add(candidate);
                    continue;
                }
                EngineCheck.Report report = checkUnder(candidate, repeats, failing);
                checks.add(report);
                if (report.passed()) {
                    correct.add(candidate);
                } else if (cache != null && report.simulatedFailure() == null) {
                    cache.recordWrong(candidate);
                }
            }
            if (correct.isEmpty()) {
                apply(EngineConfig.DEFAULT);
                throw new IllegalStateException("PyTorch's native computes wrong convolutions on "
                        + "this CPU under every configuration tried ("
                        + String.join("; ", checks.stream().map(EngineCheck.Report::summary)
                                .toList())
                        + "); run 'fadconv doctor' and force one with -D" + PROPERTY + "=<"
                        + EngineConfig.names() + "> at your own risk");
            }
            if (correct.size() > 1) {
                race = race(correct, key, raceAgain);
                chosen = race.fastest();
            } else {
                chosen = correct.get(0);
            }
        }
        apply(chosen);
        EngineStatus s = new EngineStatus(chosen, forced != null, List.copyOf(checks),
                List.copyOf(skipped), race, cpu, pytorch, djl, threads, maxIsa,
                NativeTorch.logLevel());
        status = s;
        return s;
    }

    /**
     * Makes a decision the current one again (after a test's {@link #select}).
     *
     * @param previous what {@link #ensure} returned before
     */
    static synchronized void restore(EngineStatus previous) {
        apply(previous.config());
        status = previous;
    }

    /**
     * Switches convolutions to another configuration in this process, unchecked: for
     * measurements that compare configurations side by side ({@code fadconv bench --engine}).
     * Configurations with an instruction-set cap need a fresh process.
     *
     * @param config the configuration
     * @return the configuration in use before
     * @throws IllegalArgumentException for a cap other than the one this process started with
     */
    public static synchronized EngineConfig switchTo(EngineConfig config) {
        EngineStatus s = ensure();
        if (config.needsSetupBeforeLoad() && config != s.config()) {
            throw new IllegalArgumentException("engine configuration '" + config + "' caps "
                    + "oneDNN before its first use, so it needs a process of its own: run with "
                    + ENV + "=" + config);
        }
        EngineConfig before = active;
        apply(config);
        return before;
    }

    /**
     * Whether correct configurations race for speed ({@code fadconv.engine.race}, on by
     * default); off keeps PyTorch's default wherever it is right.
     */
    private static boolean raceEnabled() {
        return !"off".equalsIgnoreCase(System.getProperty(RACE_PROPERTY, "on"));
    }

    /**
     * What a timing learned on this machine depends on beyond the machine's key: the allocator
     * ({@link NativeMemory}) and MKL's branch ({@link MklDispatch}). Timings keyed by it are taken
     * again when either changes. Sets the engine up.
     *
     * @return the key's suffix
     */
    public static String timingConditions() {
        ensure();
        return loadedTimingConditions();
    }

    /** {@link #timingConditions()} while the engine is being set up (by the race). */
    private static String loadedTimingConditions() {
        return NativeMemory.timingKey() + MklDispatch.timingKey();
    }

    /** Whether the user asked to race again at start-up ({@code again}). */
    private static boolean raceAgainAsked() {
        return "again".equalsIgnoreCase(System.getProperty(RACE_PROPERTY, "on"));
    }

    /** The faster of the correct configurations: remembered for this machine, or timed now. */
    private static LayoutRace.Result race(List<EngineConfig> correct, String key,
            boolean again) {
        MachineFile file = MachineFile.open("engine-speed", key + loadedTimingConditions());
        // a winner counts only for the workload it won (the race's workload has changed before)
        ObjectNode known = file == null ? null : file.read();
        if (known != null && !again && known.hasNonNull("fastest")
                && known.path("workload").asInt() == LayoutRace.WORKLOAD) {
            try {
                EngineConfig winner = EngineConfig.of(known.get("fastest").asText());
                if (winner.coveredBy(correct)) {
                    return new LayoutRace.Result(Map.of(), Map.of(), winner, "cached");
                }
            } catch (IllegalArgumentException e) {
                // raced again below
            }
        }
        LayoutRace.Result r = LayoutRace.run(correct, EngineSetup::apply);
        if (file != null) {
            ObjectNode entry = Json.object();
            entry.put("fastest", r.fastest().id());
            entry.put("workload", LayoutRace.WORKLOAD);
            ObjectNode ms = entry.putObject("millis");
            r.millis().forEach((c, v) -> ms.put(c.id(), Math.round(v * 10) / 10.0));
            ObjectNode inference = entry.putObject("inferenceMillis");
            r.inferenceMillis().forEach((c, v) -> inference.put(c.id(),
                    Math.round(v * 10) / 10.0));
            file.putAll(entry);
        }
        return r;
    }

    private static EngineCheck.Report checkUnder(EngineConfig config, int repeats,
            Set<EngineConfig> failing) {
        apply(config);
        EngineCheck.Report report = EngineCheck.run(config, repeats);
        if (failing.contains(config)) {
            return new EngineCheck.Report(config, report.cases(), report.identical(),
                    report.rounds(), report.millis(), "-D" + FAIL_PROPERTY);
        }
        return report;
    }

    private static void apply(EngineConfig config) {
        NativeTorch.setOneDnnEnabled(config.oneDnn());
        active = config;
    }

    private static Set<EngineConfig> failing() {
        String v = System.getProperty(FAIL_PROPERTY, "");
        Set<EngineConfig> out = EnumSet.noneOf(EngineConfig.class);
        Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .forEach(s -> out.add(EngineConfig.of(s)));
        return out;
    }
}
