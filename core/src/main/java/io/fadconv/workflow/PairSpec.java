package io.fadconv.workflow;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One bi-temporal pair of a batch: its id (the name of its output folder), the two scenes, and
 * optionally a region it is summed into and a true change mask. Paths are kept as strings so
 * that a pair can travel to a Spark executor.
 *
 * @param id letters, digits, '.', '_' and '-', not starting with '.'; the folder OUT/id/
 * @param before the t1 scene
 * @param after the t2 scene
 * @param region the region the pair belongs to, or "" for none
 * @param truth a true change mask, or "" for none
 */
public record PairSpec(String id, String before, String after, String region, String truth)
        implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
    /** Ids that would collide with the batch's own files. */
    private static final Set<String> RESERVED = Set.of("summary.csv", "summary.json");

    /** Validates. */
    public PairSpec {
        if (id == null || !ID.matcher(id).matches() || RESERVED.contains(id)) {
            throw new IllegalArgumentException("pair id '" + id + "' cannot name a folder: use "
                    + "letters, digits, '.', '_' and '-' (not starting with '.', not "
                    + String.join(" or ", RESERVED) + ")");
        }
        if (before == null || before.isBlank() || after == null || after.isBlank()) {
            throw new IllegalArgumentException("pair " + id + ": needs a before and an after "
                    + "scene");
        }
        region = region == null ? "" : region.strip();
        truth = truth == null ? "" : truth.strip();
    }

    /** @return the t1 scene */
    public Path beforePath() {
        return Path.of(before);
    }

    /** @return the t2 scene */
    public Path afterPath() {
        return Path.of(after);
    }

    /** @return the true change mask, if any */
    public Optional<Path> truthPath() {
        return truth.isEmpty() ? Optional.empty() : Optional.of(Path.of(truth));
    }
}
