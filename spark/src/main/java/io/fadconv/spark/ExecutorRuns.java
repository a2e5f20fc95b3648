package io.fadconv.spark;

import io.fadconv.workflow.CnaJob;
import io.fadconv.workflow.MappingRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runs an executor JVM has opened: each (run folder, window settings) once, shared by every
 * task of the JVM (each task takes its own mapper over the shared network) and closed when the
 * JVM exits.
 */
final class ExecutorRuns {

    private static final Map<String, MappingRun> OPEN = new ConcurrentHashMap<>();
    private static final AtomicInteger OPENED = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.values()
                .forEach(MappingRun::close), "fadconv-close-runs"));
    }

    private ExecutorRuns() {}

    /**
     * The job's run, opened on first use in this JVM.
     *
     * @param job the job
     * @return the shared opened run
     */
    static MappingRun get(CnaJob job) {
        String key = job.run() + "|" + job.window() + "|" + job.margin() + "|" + job.batch();
        return OPEN.computeIfAbsent(key, k -> {
            try {
                OPENED.incrementAndGet();
                return MappingRun.open(job.runDir(), job::predictOptions);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** @return how many runs this JVM has opened */
    static int opened() {
        return OPENED.get();
    }
}
