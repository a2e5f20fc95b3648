package io.fadconv;

import ai.djl.engine.Engine;

/**
 * One place that prepares DJL before anything touches an engine.
 *
 * <p>The PyTorch natives come from Maven ({@code pytorch-native-cpu}), so the project never needs
 * DJL's download fallback; {@link #engine()} forces {@code ai.djl.offline=true} before the engine
 * loads, which turns a missing native library into an error rather than a silent download.
 */
public final class Djl {

    /** The only engine this project runs on. */
    public static final String ENGINE = "PyTorch";

    private Djl() {}

    /**
     * Returns the PyTorch engine, loading it offline on first use.
     *
     * @return the engine
     */
    public static synchronized Engine engine() {
        forceOffline();
        return Engine.getEngine(ENGINE);
    }

    /** Sets {@code ai.djl.offline=true} unless the caller already chose a value. */
    public static void forceOffline() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // PyTorch is the default engine for every NDManager created without an explicit one.
        if (System.getProperty("ai.djl.default_engine") == null) {
            System.setProperty("ai.djl.default_engine", ENGINE);
        }
    }

    /**
     * Seeds the engine's random generator (parameter initialisation, dropout).
     *
     * @param seed the seed
     */
    public static void seed(long seed) {
        engine().setRandomSeed((int) seed);
    }
}
