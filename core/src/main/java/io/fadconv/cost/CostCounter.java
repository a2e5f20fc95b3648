package io.fadconv.cost;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import io.fadconv.model.Traceable;
import io.fadconv.model.TracedOp;
import io.fadconv.model.Tracer;
import io.fadconv.nn.Costed;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts the parameters and multiply-adds of a built, initialised block tree for one input size,
 * by walking the tree and propagating shapes (no forward pass): {@link Traceable} blocks describe
 * their data flow, {@link Costed} blocks (dynamic convolutions) report their own parts and the
 * paper's Eq. 5, and DJL's convolution, linear and BatchNorm blocks are counted here from their
 * configuration. Counts are per sample (batch 1), as the paper's.
 *
 * <p>Formulas: a convolution {@code H_out W_out C_out (C_in / groups) k_h k_w} (bias adds not
 * counted), a linear layer {@code rows * in * out}, BatchNorm one per element, operations as
 * {@link TracedOp} documents. Parameters: trainable ones ({@code requiresGradient}), each counted
 * once even when shared between layers.
 */
public final class CostCounter {

    private CostCounter() {}

    /**
     * Counts a block for one input.
     *
     * @param root an initialised block ({@link Traceable}, {@link Costed} or a DJL layer)
     * @param input the input shape; the batch dimension is set to 1
     * @return the report
     * @throws IllegalStateException if the block is not initialised
     * @throws IllegalArgumentException if a block in the tree cannot be counted
     */
    public static CostReport count(Block root, Shape input) {
        if (!root.isInitialized()) {
            throw new IllegalStateException("initialize the model before counting its cost");
        }
        long[] dims = input.getShape().clone();
        dims[0] = 1;
        Shape one = new Shape(dims);
        Walker w = new Walker();
        Shape[] out = w.child("", root, one);
        long total = 0;
        Set<String> ids = new HashSet<>();
        for (Parameter p : root.getParameters().values()) {
            if (p.requiresGradient() && ids.add(p.getId())) {
                total += p.getShape().size();
            }
        }
        long visited = w.entries.stream().mapToLong(CostEntry::params).sum();
        return new CostReport(one, out[0], w.entries, total - visited);
    }

    /** The tracer that records entries while walking. */
    private static final class Walker implements Tracer {

        private final List<CostEntry> entries = new ArrayList<>();
        private final Set<String> seenParams = new HashSet<>();
        private final Map<Block, String> seenBlocks = new IdentityHashMap<>();
        private final List<String> prefix = new ArrayList<>();

        private String path(String key) {
            List<String> parts = new ArrayList<>(prefix);
            if (!key.isEmpty()) {
                parts.add(key);
            }
            return String.join(".", parts);
        }

        @Override
        public Shape[] child(String key, Block child, Shape... inputs) {
            String path = path(key);
            String previous = seenBlocks.put(child, path);
            if (previous != null) {
                throw new IllegalStateException("block counted twice: at '" + previous + "' and '"
                        + path + "'");
            }
            if (child instanceof Costed costed) {
                Shape[] out = child.getOutputShapes(inputs);
                entries.add(new CostEntry(path, CostEntry.DYNAMIC, child.toString(), inputs[0],
                        out[0], params(child), ordered(costed.madds(inputs[0])),
                        ordered(costed.paperEq5(inputs[0]))));
                return out;
            }
            if (child instanceof Traceable traced) {
                return under(key, () -> traced.trace(this, inputs));
            }
            if (child instanceof Convolution conv) {
                Shape in = inputs[0];
                Shape out = conv.getOutputShapes(inputs)[0];
                Shape k = conv.getKernelShape();
                long spatial = out.size() / out.get(0) / out.get(1);
                long madds = spatial * out.get(1) * (in.get(1) / conv.getGroups()) * k.size();
                entries.add(leaf(path, CostEntry.CONV, describe(conv, in), in, out, child,
                        CostEntry.CONV, madds));
                return new Shape[] {out};
            }
            if (child instanceof Linear) {
                Shape in = inputs[0];
                Shape out = child.getOutputShapes(inputs)[0];
                long inFeatures = in.get(in.dimension() - 1);
                long rows = in.size() / in.get(0) / inFeatures;
                long madds = rows * inFeatures * out.get(out.dimension() - 1);
                entries.add(leaf(path, CostEntry.LINEAR, inFeatures + "->"
                        + out.get(out.dimension() - 1), in, out, child, CostEntry.LINEAR, madds));
                return new Shape[] {out};
            }
            if (child instanceof BatchNorm) {
                Shape in = inputs[0];
                entries.add(leaf(path, CostEntry.BN, "batchnorm " + in.get(1), in, in, child,
                        CostEntry.BN, in.size() / in.get(0)));
                return new Shape[] {in};
            }
            if (child instanceof SequentialBlock) {
                // numbered like nn.Sequential
                return under(key, () -> {
                    Shape[] s = inputs;
                    int i = 0;
                    for (Block b : child.getChildren().values()) {
                        s = child(String.valueOf(i++), b, s);
                    }
                    return s;
                });
            }
            if (child.getChildren().isEmpty() && child.getDirectParameters().isEmpty()) {
                // activations and other parameter-free lambdas
                return child.getOutputShapes(inputs);
            }
            throw new IllegalArgumentException("cannot count " + child.getClass().getSimpleName()
                    + " at '" + path + "': it must implement io.fadconv.nn.Costed or "
                    + "io.fadconv.model.Traceable");
        }

        /** Runs a walk with {@code key} appended to the key prefix. */
        private Shape[] under(String key, java.util.function.Supplier<Shape[]> walk) {
            if (key.isEmpty()) {
                return walk.get();
            }
            prefix.add(key);
            try {
                return walk.get();
            } finally {
                prefix.remove(prefix.size() - 1);
            }
        }

        @Override
        public Shape op(TracedOp op) {
            entries.add(new CostEntry(path(""), op.kind(), op.name(), null, op.output(), 0,
                    Map.of(op.kind(), op.madds()), Map.of()));
            return op.output();
        }

        private CostEntry leaf(String path, String kind, String detail, Shape in, Shape out,
                Block block, String part, long madds) {
            return new CostEntry(path, kind, detail, in, out, params(block), Map.of(part, madds),
                    Map.of());
        }

        /** Trainable parameters of a block's subtree not counted before. */
        private long params(Block block) {
            long n = 0;
            for (Parameter p : block.getParameters().values()) {
                if (p.requiresGradient() && seenParams.add(p.getId())) {
                    if (p.getShape() == null) {
                        throw new IllegalStateException("parameter " + p.getName()
                                + " has no shape: initialize the model before counting its cost");
                    }
                    n += p.getShape().size();
                }
            }
            return n;
        }

    }

    private static String describe(Convolution c, Shape in) {
        StringBuilder sb = new StringBuilder();
        sb.append(in.get(1)).append("->").append(c.getFilters()).append(' ')
                .append(c.getKernelShape().get(0)).append('x').append(c.getKernelShape().get(1))
                .append(" s").append(c.getStride().get(0));
        if (c.getDilation().get(0) != 1) {
            sb.append(" d").append(c.getDilation().get(0));
        }
        if (c.getGroups() != 1) {
            sb.append(" g").append(c.getGroups());
        }
        return sb.toString();
    }

    private static Map<String, Long> ordered(Map<String, Long> m) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /**
     * Sums a part over entries.
     *
     * @param entries the entries
     * @param part the part name
     * @return the sum
     */
    static long sum(List<CostEntry> entries, String part) {
        return entries.stream().mapToLong(e -> e.madds().getOrDefault(part, 0L)).sum();
    }

    /**
     * Merges maps by summing.
     *
     * @param maps the maps
     * @return the sums in first-seen key order
     */
    static Map<String, Long> merge(List<Map<String, Long>> maps) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map<String, Long> m : maps) {
            m.forEach((k, v) -> out.merge(k, v, Long::sum));
        }
        return out;
    }
}
