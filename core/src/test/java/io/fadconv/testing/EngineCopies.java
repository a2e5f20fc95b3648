package io.fadconv.testing;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import io.fadconv.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts the whole-array copies ({@code aten::clone}) the engine makes in a run, with its own
 * profiler. The memory order of a gradient inside the backward cannot be read from Java; a view
 * whose backward has to reshape a gradient copies it exactly when the gradient is not in the
 * order the view expects, so the count tells the order.
 */
public final class EngineCopies {

    private EngineCopies() {}

    /**
     * The {@code aten::clone} calls of one run, as the engine's profiler records them.
     *
     * @param run the run
     * @return the count
     */
    public static int of(Runnable run) {
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
