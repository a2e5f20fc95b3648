package io.fadconv.spark;

import io.fadconv.workflow.BatchEngine;

/** Registers the Spark engine under the name "spark" (META-INF/services). */
public final class SparkEngineFactory implements BatchEngine.Factory {

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public BatchEngine create(String master) {
        return new SparkBatchEngine(master);
    }
}
