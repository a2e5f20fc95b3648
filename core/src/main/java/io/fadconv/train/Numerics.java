package io.fadconv.train;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.core.type.TypeReference;
import io.fadconv.engine.EngineSetup;
import io.fadconv.engine.MklDispatch;
import io.fadconv.nn.ConvTuner;
import io.fadconv.util.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run's numbers depend on besides its seed and data: the engine's thread count, the engine
 * configuration, MKL's code branch (its products round differently on each), and the per-sample
 * convolution strategies chosen by {@link ConvTuner}. A checkpoint records them; a resumed run
 * makes the same strategy choices again and says what differs, since any difference changes
 * results in the last bits.
 *
 * @param threads the engine's intra-op threads
 * @param engine the engine configuration's name
 * @param mklBranch MKL's branch ({@link MklDispatch#branch()}), {@link #UNKNOWN} in checkpoints
 *     written before it was recorded
 * @param strategies geometry key to strategy name
 */
public record Numerics(int threads, String engine, int mklBranch, Map<String, String> strategies) {

    /** A value not recorded. */
    public static final int UNKNOWN = -1;


    /** Copies the map. */
    public Numerics {
        strategies = Map.copyOf(strategies);
    }

    /**
     * This process now.
     *
     * @return the current numerics
     */
    public static Numerics current() {
        return new Numerics(JniUtils.getNumThreads(), EngineSetup.active().id(),
                MklDispatch.branch(), ConvTuner.strategies());
    }

    /**
     * Makes this process take the recorded strategy choices.
     */
    public void presetStrategies() {
        ConvTuner.preset(strategies);
    }

    /**
     * What differs from another (e.g. this process against a checkpoint), for a message.
     *
     * @param now the other
     * @return differences, empty when none
     */
    public List<String> differences(Numerics now) {
        List<String> out = new ArrayList<>();
        if (threads != now.threads) {
            out.add("written with " + threads + " threads, this process has " + now.threads);
        }
        if (!engine.equals(now.engine)) {
            out.add("written under engine configuration " + engine + ", this process uses "
                    + now.engine);
        }
        if (mklBranch != UNKNOWN && now.mklBranch != UNKNOWN && mklBranch != now.mklBranch) {
            out.add("written on MKL branch " + mklBranch + ", this process runs branch "
                    + now.mklBranch + " (" + MklDispatch.ENV + "=vendor gives MKL's own)");
        }
        return out;
    }

    /**
     * The strategies as JSON, for the checkpoint.
     *
     * @return a JSON object
     */
    String strategiesJson() {
        try {
            return Json.MAPPER.writeValueAsString(new TreeMap<>(strategies));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads strategies written by {@link #strategiesJson}.
     *
     * @param json the text
     * @return the map
     */
    static Map<String, String> parseStrategies(String json) {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("damaged checkpoint (strategies): "
                    + e.getOriginalMessage());
        }
    }
}
