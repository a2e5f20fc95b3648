package io.fadconv.cli;

import ai.djl.pytorch.jni.JniUtils;
import io.fadconv.Djl;
import picocli.CommandLine.Option;

/** {@code --threads}: the engine's CPU threads, shared by the commands that run networks. */
final class ThreadsOption {

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads of the engine "
            + "(default: all cores; quickstart: 2). Resumed training runs are bit-identical only "
            + "with the same count.")
    Integer threads;

    /**
     * Loads the engine with the requested thread count.
     *
     * @return the engine's intra-op thread count
     */
    int apply() {
        return apply(threads);
    }

    /**
     * Loads the engine with the requested thread count, or another when none is given.
     *
     * @param otherwise threads when {@code --threads} is not given
     * @return the engine's intra-op thread count
     */
    int applyOr(int otherwise) {
        return apply(threads != null ? threads : otherwise);
    }

    /**
     * Loads the engine with a thread count.
     *
     * @param n threads, or null for the engine's default (all cores)
     * @return the engine's intra-op thread count
     */
    static int apply(Integer n) {
        if (n != null) {
            if (n < 1) {
                throw new IllegalArgumentException("--threads must be >= 1, got " + n);
            }
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        }
        Djl.engine();
        if (n != null) {
            JniUtils.setNumThreads(n);
        }
        return JniUtils.getNumThreads();
    }
}
