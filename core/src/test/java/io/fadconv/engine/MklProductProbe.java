package io.fadconv.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A process for {@link MklDispatchTest}: sets the engine up as every command does, runs one
 * float32 product, and prints the branch MKL ran it on.
 */
public final class MklProductProbe {

    private MklProductProbe() {}

    /**
     * Runs the probe.
     *
     * @param args none
     */
    public static void main(String[] args) {
        EngineSetup.ensure();
        try (NDManager m = Engine.getEngine(EngineSetup.ENGINE).newBaseManager()) {
            NDArray a = m.ones(new Shape(64, 64));
            a.matMul(a).getFloat(0, 0);
        }
        System.out.println("mklBranch=" + MklDispatch.branch());
        System.out.flush();
    }
}
