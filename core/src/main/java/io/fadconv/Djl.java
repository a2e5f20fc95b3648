package io.fadconv;

import ai.djl.engine.Engine;
import io.fadconv.engine.EngineSetup;
import io.fadconv.engine.EngineStatus;

/**
 * The project's single entry to the engine. The first call loads PyTorch offline, runs the
 * engine self-check and chooses a configuration that computes convolutions right on this CPU
 * ({@link EngineSetup}); a Java program that only calls {@link #engine()} gets right numbers with
 * no environment variable set.
 */
public final class Djl {

    /** The only engine this project runs on. */
    public static final String ENGINE = EngineSetup.ENGINE;

    private Djl() {}

    /**
     * Returns the PyTorch engine, set up and checked on first use.
     *
     * @return the engine
     */
    public static Engine engine() {
        EngineSetup.ensure();
        return Engine.getEngine(ENGINE);
    }

    /**
     * What the set-up decided: configuration, self-check figures, machine and versions.
     *
     * @return the status (setting the engine up if needed)
     */
    public static EngineStatus status() {
        return EngineSetup.ensure();
    }

    /** Sets {@code ai.djl.offline=true} unless the caller already chose a value. */
    public static void forceOffline() {
        EngineSetup.forceOffline();
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
