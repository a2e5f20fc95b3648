package io.fadconv.workflow;

import java.util.ServiceLoader;

/**
 * Finds a batch engine by name. {@code local} is built in; others come from modules on the class
 * path that list a {@link BatchEngine.Factory} in
 * {@code META-INF/services/io.fadconv.workflow.BatchEngine$Factory} (module {@code spark}: name
 * {@code spark}). So the command line reaches Spark without depending on it: the Spark jars are
 * on the class path only when a Spark job is asked for.
 */
public final class BatchEngines {

    private BatchEngines() {}

    /**
     * The engine of a name.
     *
     * @param name "local" or the name of a factory on the class path ("spark")
     * @param master passed to the factory (Spark's master URL)
     * @return the engine
     * @throws IllegalArgumentException when no such engine is on the class path
     */
    public static BatchEngine create(String name, String master) {
        if ("local".equals(name)) {
            return new LocalBatchEngine();
        }
        for (BatchEngine.Factory f : ServiceLoader.load(BatchEngine.Factory.class)) {
            if (f.name().equals(name)) {
                return f.create(master);
            }
        }
        throw new IllegalArgumentException("the " + name + " engine is not on the class path: "
                + "run through ./fadconv, which adds the fadconv-spark module when --spark is "
                + "given (it builds it with: mvn -pl spark -am package -DskipTests), or use "
                + "spark-submit with spark/target/fadconv-spark-job.jar");
    }
}
