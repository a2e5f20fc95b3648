package io.fadconv.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The convolution vocabulary: every type a {@link ConvSpec} may name, its keys with defaults,
 * and a factory that builds the block for a {@link ConvGeometry}. One table serves the CLI,
 * configs, models and experiment tables.
 */
public final class Convs {

    /**
     * One option of a type.
     *
     * @param name the key in spec strings
     * @param defaultValue the value when the key is absent
     * @param allowed a description of the valid values, for errors
     * @param valid the check
     */
    public record Key(String name, String defaultValue, String allowed, Predicate<String> valid) {}

    /**
     * One convolution type.
     *
     * @param name the type name in spec strings
     * @param description one line for help texts
     * @param keys the options, in canonical order
     * @param factory builds the block
     */
    public record Type(String name, String description, List<Key> keys, Factory factory) {

        /**
         * Checks options against the keys and orders them canonically.
         *
         * @param options options as given
         * @return the options in key order
         * @throws IllegalArgumentException for unknown keys or invalid values
         */
        public Map<String, String> canonical(Map<String, String> options) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String k : options.keySet()) {
                if (keys.stream().noneMatch(key -> key.name().equals(k))) {
                    throw new IllegalArgumentException("unknown key '" + k + "' for " + name
                            + "; valid keys: " + (keys.isEmpty() ? "none"
                                    : keys.stream().map(Key::name)
                                            .collect(Collectors.joining(", "))));
                }
            }
            for (Key key : keys) {
                String v = options.get(key.name());
                if (v == null) {
                    continue;
                }
                boolean ok;
                try {
                    ok = key.valid().test(v);
                } catch (RuntimeException e) {
                    ok = false;
                }
                if (!ok) {
                    throw new IllegalArgumentException("invalid " + name + " option " + key.name()
                            + "=" + v + "; allowed: " + key.allowed());
                }
                out.put(key.name(), v);
            }
            return out;
        }

        /**
         * The default of a key.
         *
         * @param key the key
         * @return its default
         */
        public String defaultValue(String key) {
            return keys.stream().filter(k -> k.name().equals(key)).findFirst()
                    .map(Key::defaultValue)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "no key '" + key + "' for " + name));
        }
    }

    /** Builds a block of one type. */
    @FunctionalInterface
    public interface Factory {
        /**
         * Builds the block.
         *
         * @param spec the spec (options with defaults via {@link ConvSpec#value})
         * @param geometry where it sits
         * @param context what the network's convolutions share
         * @return an uninitialised block
         */
        Block create(ConvSpec spec, ConvGeometry geometry, ConvContext context);
    }

    private static final Map<String, Type> TYPES = new LinkedHashMap<>();

    static {
        register(new Type("static", "plain convolution (the baseline)", List.of(),
                (spec, g, ctx) -> staticConv(g)));
        register(new Type("fadconv",
                "FADConv: K experts mixed by Frequency Attention (pool p, n x n low and h x h high"
                        + " DCT coefficients, fusion, attention fat|gap)",
                fadconvKeys(), (spec, g, ctx) -> fadconv(spec, g)));
        register(new Type("dyconv",
                "DYConv: GAP attention over k experts, softmax temperature t annealed to 1 "
                        + "(kaijieshi7/Dynamic-convolution-Pytorch)",
                rivalKeys("k", "4", "0.25", "34", false),
                (spec, g, ctx) -> dyconv(spec, g)));
        register(new Type("odconv",
                "ODConv: channel, filter, spatial and kernel attentions from GAP "
                        + "(OSVAI/ODConv); training anneals the temperature from t to 1 (built "
                        + "at 1, as the official module)",
                rivalKeys("k", "4", "0.0625", "30", false),
                (spec, g, ctx) -> odconv(spec, g, null)));
        register(new Type("kw",
                "KernelWarehouse: kernel cells shared by the layers of a scope, budget b "
                        + "(OSVAI/KernelWarehouse)",
                rivalKeys("b", "4", "0.0625", null, false),
                (spec, g, ctx) -> kernelWarehouse(spec, g, ctx, null)));
        register(new Type("fodconv", "FODConv: ODConv with Frequency Attention in place of GAP",
                rivalKeys("k", "4", "0.0625", "30", true),
                (spec, g, ctx) -> odconv(spec, g, frequencyAttention(spec))));
        register(new Type("fkw", "FKW: KernelWarehouse with Frequency Attention in place of GAP",
                rivalKeys("b", "4", "0.0625", null, true),
                (spec, g, ctx) -> kernelWarehouse(spec, g, ctx, frequencyAttention(spec))));
    }

    private Convs() {}

    /**
     * Adds a type to the vocabulary.
     *
     * @param type the type
     */
    static synchronized void register(Type type) {
        TYPES.put(type.name(), type);
    }

    /**
     * Looks a type up.
     *
     * @param name the type name (case-insensitive)
     * @return the type
     * @throws IllegalArgumentException listing the valid names
     */
    public static Type type(String name) {
        Type t = name == null ? null : TYPES.get(name.toLowerCase(Locale.ROOT));
        if (t == null) {
            throw new IllegalArgumentException(
                    "unknown convolution type '" + name + "'; valid types: " + typeNames());
        }
        return t;
    }

    /** @return the valid type names, comma separated */
    public static String typeNames() {
        return String.join(", ", TYPES.keySet());
    }

    /** @return every type, in registration order */
    public static List<Type> types() {
        return new ArrayList<>(TYPES.values());
    }

    /**
     * Builds the block a spec names at a geometry, for a layer that shares nothing with others.
     *
     * @param spec the spec
     * @param geometry where it sits
     * @return an uninitialised block
     */
    public static Block create(ConvSpec spec, ConvGeometry geometry) {
        return create(spec, geometry, ConvContext.standalone());
    }

    /**
     * Builds the block a spec names at a geometry, inside a network's context.
     *
     * @param spec the spec
     * @param geometry where it sits
     * @param context the network's shared state and current scope
     * @return an uninitialised block
     */
    public static Block create(ConvSpec spec, ConvGeometry geometry, ConvContext context) {
        return type(spec.type()).factory().create(spec, geometry, context);
    }

    /**
     * A plain {@code nn.Conv2d} with PyTorch's default initialisation.
     *
     * @param g the geometry
     * @return the block
     */
    public static Conv2d staticConv(ConvGeometry g) {
        Conv2d conv = StaticConv2d.staticBuilder()
                .setFilters(g.outChannels())
                .setKernelShape(new Shape(g.kernel(), g.kernel()))
                .optStride(new Shape(g.stride(), g.stride()))
                .optPadding(new Shape(g.padding(), g.padding()))
                .optDilation(new Shape(g.dilation(), g.dilation()))
                .optGroups(g.groups())
                .optBias(g.bias())
                .build();
        conv.setInitializer(TorchInit.defaultWeight(), Parameter.Type.WEIGHT);
        if (g.bias()) {
            long fanIn = (long) g.inChannels() / g.groups() * g.kernel() * g.kernel();
            conv.setInitializer(TorchInit.defaultBias(fanIn), Parameter.Type.BIAS);
        }
        return conv;
    }

    // ---------------------------------------------------------------- shared key kinds

    static Key positiveInt(String name, String def, String what) {
        return new Key(name, def, what + ", an integer >= 1", v -> Integer.parseInt(v) >= 1);
    }

    static Key nonNegativeInt(String name, String def, String what) {
        return new Key(name, def, what + ", an integer >= 0", v -> Integer.parseInt(v) >= 0);
    }

    static Key positiveFloat(String name, String def, String what) {
        return new Key(name, def, what + ", a number > 0", v -> {
            float f = Float.parseFloat(v);
            return f > 0 && Float.isFinite(f);
        });
    }

    static Key bool(String name, String def, String what) {
        return new Key(name, def, what + ", true or false",
                v -> v.equals("true") || v.equals("false"));
    }

    /** The keys of Frequency Attention, shared by every FAT variant. */
    static List<Key> frequencyKeys() {
        return List.of(
                positiveInt("p", "16", "DCT pool size"),
                positiveInt("n", "4", "side of the kept low-frequency block"),
                nonNegativeInt("h", "0", "side of the kept high-frequency block"),
                new Key("fusion", "net", "frequency fusion: " + FrequencyFusion.validKeys(),
                        v -> FrequencyFusion.parse(v) != null));
    }

    private static List<Key> fadconvKeys() {
        List<Key> keys = new ArrayList<>();
        keys.add(positiveInt("k", "4", "number of experts"));
        keys.addAll(frequencyKeys());
        keys.add(new Key("att", "fat", "attention source: fat, gap",
                v -> AttentionMode.parse(v) != null));
        keys.add(positiveFloat("t", "1", "softmax temperature"));
        return keys;
    }

    /**
     * The keys of a rival: its size key (k experts or b budget), the reduction r, the
     * temperature t where the method anneals a softmax, and the FAT keys for the F versions.
     */
    private static List<Key> rivalKeys(String size, String sizeDefault, String reductionDefault,
            String temperatureDefault, boolean fat) {
        List<Key> keys = new ArrayList<>();
        if (size.equals("b")) {
            keys.add(new Key("b", sizeDefault, "parameter budget: 1/n (0.25, 0.5) or an integer "
                    + ">= 1", v -> Warehouse.validBudget(Double.parseDouble(v))));
        } else {
            keys.add(positiveInt(size, sizeDefault, "number of experts"));
        }
        keys.add(new Key("r", reductionDefault, "reduction of the attention, in (0, 1]",
                v -> {
                    double r = Double.parseDouble(v);
                    return r > 0 && r <= 1;
                }));
        if (temperatureDefault != null) {
            keys.add(positiveFloat("t", temperatureDefault, "softmax temperature training "
                    + "starts from"));
        }
        if (fat) {
            keys.addAll(frequencyKeys());
        }
        return keys;
    }

    /**
     * The Frequency Attention a spec's FAT keys describe.
     *
     * @param s a spec with the keys of {@link #frequencyKeys()}
     * @return the descriptor's builder
     */
    static FrequencyAttention.Builder frequencyAttention(ConvSpec s) {
        return FrequencyAttention.builder()
                .optMode(AttentionMode.FAT)
                .optPoolSize(s.intValue("p"))
                .optLowFrequencies(s.intValue("n"))
                .optHighFrequencies(s.intValue("h"))
                .optFusion(FrequencyFusion.parse(s.value("fusion")));
    }

    private static <B extends DynamicConvBuilder<B>> B geometry(B b, ConvGeometry g) {
        return b.setFilters(g.outChannels())
                .setKernelShape(new Shape(g.kernel(), g.kernel()))
                .optStride(new Shape(g.stride(), g.stride()))
                .optPadding(new Shape(g.padding(), g.padding()))
                .optDilation(new Shape(g.dilation(), g.dilation()))
                .optGroups(g.groups());
    }

    private static Block dyconv(ConvSpec s, ConvGeometry g) {
        return geometry(DyConv.builder(), g)
                .optBias(g.bias())
                .optExperts(s.intValue("k"))
                .optReduction(Double.parseDouble(s.value("r")))
                .optTemperature(s.floatValue("t"))
                .build();
    }

    private static Block odconv(ConvSpec s, ConvGeometry g, FrequencyAttention.Builder fat) {
        if (g.bias()) {
            throw new IllegalArgumentException(s.type() + " has no bias (as published); build "
                    + "the convolution at " + g + " without bias");
        }
        OdConv.Builder b = geometry(OdConv.builder(), g)
                .optExperts(s.intValue("k"))
                .optReduction(Double.parseDouble(s.value("r")))
                .optAnnealFrom(s.floatValue("t"));
        if (fat != null) {
            b.optDescriptor(fat);
        }
        return b.build();
    }

    /**
     * A KernelWarehouse layer: in a standalone context with a warehouse of its own, otherwise
     * in the warehouse named by the context's scope (created on first use with the spec's
     * budget and the published cell ratio).
     */
    private static Block kernelWarehouse(ConvSpec s, ConvGeometry g, ConvContext ctx,
            FrequencyAttention.Builder fat) {
        double budget = Double.parseDouble(s.value("b"));
        KernelWarehouse.Builder b = geometry(KernelWarehouse.builder(), g)
                .setInChannels(g.inChannels())
                .optBias(g.bias())
                .optReduction(Double.parseDouble(s.value("r")))
                .optBudget(budget);
        if (!ctx.isStandalone()) {
            b.optWarehouse(KernelWarehouse.manager(ctx)
                    .warehouse(ctx.scope(), Warehouse.Config.published(budget)));
        }
        if (fat != null) {
            b.optDescriptor(fat);
        }
        return b.build();
    }

    private static Block fadconv(ConvSpec s, ConvGeometry g) {
        return FadConv.builder()
                .setFilters(g.outChannels())
                .setKernelShape(new Shape(g.kernel(), g.kernel()))
                .optStride(new Shape(g.stride(), g.stride()))
                .optPadding(new Shape(g.padding(), g.padding()))
                .optDilation(new Shape(g.dilation(), g.dilation()))
                .optGroups(g.groups())
                .optBias(g.bias())
                .optExperts(s.intValue("k"))
                .optPoolSize(s.intValue("p"))
                .optLowFrequencies(s.intValue("n"))
                .optHighFrequencies(s.intValue("h"))
                .optFusion(FrequencyFusion.parse(s.value("fusion")))
                .optAttention(AttentionMode.parse(s.value("att")))
                .optTemperature(s.floatValue("t"))
                .build();
    }
}
