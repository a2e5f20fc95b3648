package io.fadconv.engine;

import java.util.List;

/**
 * What the engine set-up decided, once per process: the configuration in use, why, and the
 * self-check reports it was based on, with the facts about the machine and the engine.
 *
 * @param config the configuration in use
 * @param forced true when the user forced it ({@code -Dfadconv.engine}, {@code FADCONV_ENGINE})
 * @param checks the self-check of each configuration tried, in order
 * @param skipped configurations not tried because an earlier process found them wrong here
 * @param race the speed race between correct configurations, or null when only one was correct
 *     (or the race is off)
 * @param cpu the processor
 * @param pytorch PyTorch version of the native
 * @param djl DJL version
 * @param threads ATen's intra-op threads
 * @param maxIsa {@code DNNL_MAX_CPU_ISA} as the native sees it, or null
 * @param logLevel libtorch's C++ log level (0 info .. 3 fatal)
 */
public record EngineStatus(EngineConfig config, boolean forced, List<EngineCheck.Report> checks,
        List<EngineConfig> skipped, LayoutRace.Result race, CpuInfo cpu, String pytorch, String djl, int threads,
        String maxIsa, int logLevel) {

    /**
     * Whether a configuration other than PyTorch's default is in use because the default
     * failed the self-check here.
     *
     * @return true for a fallback
     */
    public boolean fallback() {
        return !forced && (skipped.contains(EngineConfig.DEFAULT) || checks.stream()
                .anyMatch(c -> c.config() == EngineConfig.DEFAULT && !c.passed()));
    }

    /**
     * What identifies this kind of machine for results that depend on it (verdicts, tuning):
     * processor, engine versions, threads and any instruction-set cap.
     *
     * @return the key
     */
    public String machineKey() {
        return machineKey(cpu, pytorch, djl, threads, maxIsa);
    }

    /**
     * The machine key from its parts.
     *
     * @param cpu the processor
     * @param pytorch the native's version
     * @param djl DJL's version
     * @param threads intra-op threads
     * @param maxIsa the cap or null
     * @return the key
     */
    static String machineKey(CpuInfo cpu, String pytorch, String djl, int threads,
            String maxIsa) {
        return cpu.modelName() + "|" + cpu.vendor() + "|" + cpu.family() + "/" + cpu.model() + "/"
                + cpu.stepping() + "|" + cpu.vectorFlags() + "|pytorch " + pytorch + "|djl " + djl
                + "|threads " + threads + "|isa " + maxIsa;
    }

    /**
     * The configurations whose self-check passed in this process.
     *
     * @return them, in the order checked
     */
    public List<EngineConfig> correct() {
        return checks.stream().filter(EngineCheck.Report::passed).map(EngineCheck.Report::config)
                .toList();
    }

    /**
     * The report of the configuration in use.
     *
     * @return its check, or null if it was not checked
     */
    public EngineCheck.Report activeCheck() {
        for (int i = checks.size() - 1; i >= 0; i--) {
            if (checks.get(i).config() == config) {
                return checks.get(i);
            }
        }
        return null;
    }

    /**
     * The one-line warning for stderr when a fallback or a failing forced configuration is in
     * use, else null.
     *
     * @return the warning or null
     */
    public String warning() {
        EngineCheck.Report active = activeCheck();
        if (forced) {
            return active != null && !active.passed()
                    ? "engine configuration '" + config + "' (forced) fails the self-check: "
                            + active.summary() + "; results may be wrong (see fadconv doctor)"
                    : null;
        }
        if (!fallback()) {
            return null;
        }
        String why = skipped.isEmpty() ? checks.get(0).summary()
                : "an earlier run here found " + skipped + " wrong; 'fadconv doctor --recheck' "
                        + "checks them again";
        return "PyTorch's native computes wrong convolutions on this CPU (" + why + "); using '"
                + config + "', which passed the self-check (fadconv doctor tells more)";
    }
}
