package io.fadconv.testing;

import ai.djl.ndarray.NDManager;
import io.fadconv.Djl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of tests that run blocks: the engine loaded offline and one manager per test class
 * (tests open sub-managers of it and close them).
 */
public abstract class EngineTest {

    /** The class's manager. */
    protected static NDManager manager;

    @BeforeAll
    static void openManager() {
        Djl.engine();
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void closeManager() {
        manager.close();
    }
}
