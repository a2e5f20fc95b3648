package io.fadconv.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import io.fadconv.engine.EngineSetup;
import io.fadconv.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Counts the whole-array copies ({@code aten::clone}) the engine makes in a run, with its own
 * profiler. The memory order of a gradient inside the backward cannot be read from Java; a view
 * whose backward has to reshape a gradient copies it exactly when the gradient is not in the
 * order the view expects, so the count tells the order.
 */
public final class EngineCopies {

    private EngineCopies() {}

    /**
     * The copies of a loss's forward, and those its backward adds.
     *
     * @param forward copies made computing the loss
     * @param backward copies made by its backward
     */
    public record Counts(int forward, int backward) {}

    /**
     * Counts the copies of computing a loss and of its backward, in two runs, each in a
     * sub-manager of {@code m} with {@code leaf} attached; the second leaves the leaf's gradient.
     *
     * @param m the manager holding the leaf
     * @param leaf the array the loss is computed from (requiring a gradient)
     * @param loss computes the loss
     * @return the counts
     */
    public static Counts ofForwardAndBackward(NDManager m, NDArray leaf, Supplier<NDArray> loss) {
        int forward = of(() -> {
            try (NDManager sub = m.newSubManager()) {
                leaf.tempAttach(sub);
                loss.get().toFloatArray();
            }
        });
        int both = of(() -> {
            try (NDManager sub = m.newSubManager()) {
                leaf.tempAttach(sub);
                try (GradientCollector gc = Engine.getEngine(EngineSetup.ENGINE)
                        .newGradientCollector()) {
                    gc.backward(loss.get());
                }
            }
        });
        return new Counts(forward, both - forward);
    }

    /** The {@code aten::clone} calls of one run, as the engine's profiler records them. */
    private static int of(Runnable run) {
        try {
            Path trace = Files.createTempFile("fadconv-copies", ".json");
            try {
                JniUtils.startProfile(false, false, false);
                try {
                    run.run();
                } finally {
                    JniUtils.stopProfile(trace.toString());
                }
                int n = 0;
                for (JsonNode event : Json.MAPPER.readTree(trace.toFile())) {
                    if ("aten::clone".equals(event.path("name").asText())) {
                        n++;
                    }
                }
                return n;
            } finally {
                Files.deleteIfExists(trace);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
