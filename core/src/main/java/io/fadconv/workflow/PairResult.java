package io.fadconv.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.infer.AreaStatistics;
import io.fadconv.infer.ChangeCodes;
import io.fadconv.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * What became of one pair of a batch: mapped now, reused from an earlier run of the job
 * ({@code --resume}), or failed with a one-line error. Travels between Spark executors and the
 * driver as JSON ({@link #toJson}, {@link #fromJson}).
 *
 * @param pair the pair
 * @param status what happened
 * @param error the one-line error of a failed pair, else ""
 * @param statistics the pair's statistics, null when it failed
 * @param pixels scene pixels mapped (both dates), 0 when failed or reused
 * @param seconds wall time spent on the pair
 */
public record PairResult(PairSpec pair, Status status, String error, AreaStatistics statistics,
        long pixels, double seconds) {

    /** What became of a pair. */
    public enum Status {
        /** Mapped by this job. */
        MAPPED,
        /** Complete from an earlier run of the job; not mapped again. */
        REUSED,
        /** Not mapped; see the error. */
        FAILED;

        /** @return the lower-case name used in the summary files */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Validates. */
    public PairResult {
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(status, "status");
        error = error == null ? "" : error;
        if ((status == Status.FAILED) != (statistics == null)) {
            throw new IllegalArgumentException("a failed pair has no statistics, any other has");
        }
        if (status == Status.FAILED && error.isBlank()) {
            throw new IllegalArgumentException("a failed pair needs its error");
        }
    }

    /**
     * A mapped pair.
     *
     * @param pair the pair
     * @param s its statistics
     * @param pixels scene pixels mapped
     * @param seconds wall time
     * @return the result
     */
    public static PairResult mapped(PairSpec pair, AreaStatistics s, long pixels,
            double seconds) {
        return new PairResult(pair, Status.MAPPED, "", s, pixels, seconds);
    }

    /**
     * A pair reused from an earlier run.
     *
     * @param pair the pair
     * @param s its statistics, read back
     * @return the result
     */
    public static PairResult reused(PairSpec pair, AreaStatistics s) {
        return new PairResult(pair, Status.REUSED, "", s, 0, 0);
    }

    /**
     * A failed pair.
     *
     * @param pair the pair
     * @param error one line saying what is wrong
     * @param seconds time spent
     * @return the result
     */
    public static PairResult failed(PairSpec pair, String error, double seconds) {
        return new PairResult(pair, Status.FAILED, error, null, 0, seconds);
    }

    /** @return true unless failed */
    public boolean ok() {
        return status != Status.FAILED;
    }

    /** @return this result as one JSON object */
    public String toJson() {
        ObjectNode o = Json.object();
        o.put("id", pair.id()).put("before", pair.before()).put("after", pair.after())
                .put("region", pair.region()).put("truth", pair.truth())
                .put("status", status.name()).put("error", error).put("pixels", pixels)
                .put("seconds", seconds);
        try {
            if (statistics != null) {
                o.set("statistics", Json.MAPPER.readTree(statistics.toJson()));
            }
            return Json.MAPPER.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads {@link #toJson}'s output.
     *
     * @param json the text
     * @param codes the change codes of the job's run
     * @return the result, equal in every number
     */
    public static PairResult fromJson(String json, ChangeCodes codes) {
        try {
            JsonNode o = Json.MAPPER.readTree(json);
            PairSpec p = new PairSpec(o.get("id").asText(), o.get("before").asText(),
                    o.get("after").asText(), o.get("region").asText(), o.get("truth").asText());
            JsonNode s = o.get("statistics");
            return new PairResult(p, Status.valueOf(o.get("status").asText()),
                    o.get("error").asText(), s == null ? null
                            : AreaStatistics.fromJson(s.toString(), codes),
                    o.get("pixels").asLong(), o.get("seconds").asDouble());
        } catch (IOException e) {
            throw new IllegalArgumentException("not a pair result: " + e.getMessage(), e);
        }
    }
}
