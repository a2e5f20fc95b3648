package io.fadconv.cost;

import ai.djl.ndarray.types.Shape;
import io.fadconv.model.TracedOp;
import io.fadconv.nn.Costed;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The cost of a model at one input size, for one sample: every counted operation and the totals.
 *
 * <p>{@link #madds()} is what the paper's MAdds column counts: the multiply-adds of layers with
 * weights (convolutions, linear layers, and everything a dynamic convolution computes). BatchNorm,
 * pooling, interpolation and additions are listed apart ({@link #otherOps()}); with them left out
 * our DeepLabV3+ baseline reproduces the paper's 31.56 G exactly.
 *
 * @param input the input shape (batch 1)
 * @param output the output shape
 * @param entries the operations in execution order
 * @param unvisitedParams trainable parameters of the model no counted layer owns (0 for a model
 *     whose data flow is fully described; anything else is a bug in a {@code trace})
 */
public record CostReport(Shape input, Shape output, List<CostEntry> entries,
        long unvisitedParams) {

    /** Validates and freezes. */
    public CostReport {
        entries = Collections.unmodifiableList(entries);
    }

    /** @return trainable parameters (each shared parameter once) */
    public long params() {
        return entries.stream().mapToLong(CostEntry::params).sum() + unvisitedParams;
    }

    /**
     * Multiply-adds of convolutions, linear layers and dynamic convolutions (all their parts): the
     * paper's MAdds.
     *
     * @return the count
     */
    public long madds() {
        return entries.stream().filter(e -> isWeighted(e.kind())).mapToLong(CostEntry::totalMadds)
                .sum();
    }

    /** @return multiply-adds of BatchNorm, pooling, interpolation and element-wise operations */
    public long otherOps() {
        return entries.stream().filter(e -> !isWeighted(e.kind()))
                .mapToLong(CostEntry::totalMadds).sum();
    }

    private static boolean isWeighted(String kind) {
        return kind.equals(CostEntry.CONV) || kind.equals(CostEntry.LINEAR)
                || kind.equals(CostEntry.DYNAMIC);
    }

    /** @return the dynamic convolutions */
    public List<CostEntry> dynamicConvs() {
        return entries.stream().filter(e -> e.kind().equals(CostEntry.DYNAMIC)).toList();
    }

    /**
     * What the dynamic convolutions compute beyond their convolutions (kernel aggregation, DCT,
     * attention, ...), as this implementation computes it.
     *
     * @return the count
     */
    public long dynamicExtra() {
        return entries.stream().mapToLong(CostEntry::dynamicExtra).sum();
    }

    /** @return the extra multiply-adds of the dynamic convolutions by part, as implemented */
    public Map<String, Long> dynamicExtraByPart() {
        Map<String, Long> m = CostCounter.merge(dynamicConvs().stream().map(CostEntry::madds)
                .toList());
        m.remove(Costed.CONV);
        return m;
    }

    /** @return the extra multiply-adds the paper's Eq. 5 gives for the dynamic convolutions */
    public long paperEq5Extra() {
        return paperEq5ByTerm().values().stream().mapToLong(Long::longValue).sum();
    }

    /** @return Eq. 5 summed over the dynamic convolutions, by term */
    public Map<String, Long> paperEq5ByTerm() {
        return CostCounter.merge(dynamicConvs().stream().map(CostEntry::eq5).toList());
    }

    /**
     * Multiply-adds summed by part over all entries ({@code conv}, {@code bn}, {@code pool},
     * {@code interp}, {@code aggregation}, ...).
     *
     * @return the sums
     */
    public Map<String, Long> byPart() {
        return CostCounter.merge(entries.stream().map(CostEntry::madds).toList());
    }

    /**
     * Every operation as a fixed-width table: key, kind, what, output, parameters, MAdds.
     *
     * @return the table
     */
    public String table() {
        int keyWidth = Math.max(3, entries.stream().mapToInt(e -> e.key().length()).max()
                .orElse(3));
        String fmt = "%-" + keyWidth + "s  %-8s  %-40s  %-20s  %12s  %16s%n";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, fmt, "key", "kind", "what",
                "output", "params", "MAdds"));
        for (CostEntry e : entries) {
            if (e.kind().equals(TracedOp.CONCAT)) {
                continue;
            }
            String parts = e.kind().equals(CostEntry.DYNAMIC)
                    ? e.madds().entrySet().stream().map(x -> x.getKey() + " " + x.getValue())
                            .collect(Collectors.joining(", ", " (", ")"))
                    : "";
            String what = e.detail().length() > 40 ? e.detail().substring(0, 37) + "..."
                    : e.detail();
            sb.append(String.format(Locale.ROOT, fmt, e.key(), e.kind(), what, e.output(),
                    e.params(), e.totalMadds())).append(parts.isEmpty() ? "" : "    " + parts
                            + System.lineSeparator());
        }
        return sb.toString();
    }
}
