package io.fadconv.model;

import io.fadconv.model.decoder.DeepLabV3PlusDecoder;
import io.fadconv.model.decoder.UnetDecoder;
import io.fadconv.model.encoder.Encoder;
import io.fadconv.model.encoder.MobileNetV2Encoder;
import io.fadconv.model.encoder.ResNetEncoder;
import io.fadconv.nn.Convs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The networks of the paper, by name: {@code resnet18-unet}, {@code resnet34-unet},
 * {@code resnet18x0.25-unet}, {@code mobilenetv2-unet}, {@code deeplabv3plus-resnet18}.
 * {@link #create(ModelSpec)} builds one (uninitialised; call {@code initialize}).
 *
 * <p>Which convolutions take the spec follows the paper (section 4.3): in the ResNets every
 * encoder convolution except the stem, i.e. the 3x3 convolutions of the basic blocks (the 1x1
 * shortcut projections stay static, see docs/cost-vs-paper.md; option
 * {@code replace=block+downsample} includes them); in MobileNetV2 the depthwise and pointwise
 * convolutions; in DeepLabV3+ the backbone's block convolutions and ASPP's, ASPP being part of
 * DeepLabV3+'s encoder. Decoders and heads stay static.
 */
public final class Models {

    private static final Map<String, ModelType> TYPES = new LinkedHashMap<>();

    static {
        register(unet("resnet18-unet", "ResNet18 encoder + UNet decoder (paper Tables 2, 3, 6, 7)",
                ResNetEncoder.RESNET18, "1"));
        register(unet("resnet34-unet", "ResNet34 encoder + UNet decoder (paper Table 2)",
                ResNetEncoder.RESNET34, "1"));
        register(unet("resnet18x0.25-unet", "ResNet18 with channels [16, 32, 64, 128] + a UNet "
                + "decoder scaled by the same 0.25 (paper section 4.4, Tables 4, 5)",
                ResNetEncoder.RESNET18, "0.25"));
        register(new ModelType("mobilenetv2-unet",
                "MobileNetV2 encoder + UNet decoder (paper Table 1)",
                List.of(decoderKey("256/128/64/32/16"), interpolationKey(),
                        replaceKey("pointwise+depthwise")),
                Models::mobilenetUnet));
        register(new ModelType("deeplabv3plus-resnet18",
                "DeepLabV3+ with a dilated ResNet18 backbone (output stride 16) (paper Table 1)",
                List.of(new Convs.Key("variant", "paper", "paper (plain ASPP, one 3x3 refinement,"
                        + " reproduces the paper's cost) or smp (separable, as "
                        + "segmentation_models_pytorch)", v -> DeepLabV3PlusDecoder.Variant
                                .parse(v) != null),
                        widthKey("1"),
                        new Convs.Key("channels", "256", "ASPP and decoder channels, an integer "
                                + ">= 1", v -> Integer.parseInt(v) >= 1),
                        new Convs.Key("rates", "6/12/18", "three atrous rates >= 1 joined by /",
                                v -> parseInts(v, 3) != null),
                        new Convs.Key("stride", "16", "encoder output stride: 16 or 8",
                                v -> v.equals("16") || v.equals("8")),
                        new Convs.Key("dropout", "auto", "dropout after the ASPP projection in "
                                + "[0, 1), or auto (paper 0.1, smp 0.5)", v -> v.equals("auto")
                                        || Float.parseFloat(v) >= 0 && Float.parseFloat(v) < 1),
                        replaceKey("block+aspp")),
                Models::deeplab));
    }

    private Models() {}

    private static void register(ModelType type) {
        TYPES.put(type.name(), type);
    }

    /**
     * Looks a model up.
     *
     * @param name the model name (case-insensitive)
     * @return its type
     * @throws IllegalArgumentException listing the valid names
     */
    public static ModelType type(String name) {
        ModelType t = name == null ? null : TYPES.get(name.strip().toLowerCase(Locale.ROOT));
        if (t == null) {
            throw new IllegalArgumentException(
                    "unknown model '" + name + "'; valid models: " + String.join(", ", names()));
        }
        return t;
    }

    /** @return the model names, in registration order */
    public static List<String> names() {
        return new ArrayList<>(TYPES.keySet());
    }

    /**
     * Builds a model (uninitialised).
     *
     * @param spec the spec
     * @return the model
     */
    public static SegmentationModel create(ModelSpec spec) {
        return type(spec.name()).factory().apply(spec);
    }

    /**
     * Every model with its options and defaults, for help texts.
     *
     * @return one paragraph per model
     */
    public static String describe() {
        StringBuilder sb = new StringBuilder();
        for (ModelType t : TYPES.values()) {
            sb.append(t.name()).append(": ").append(t.description()).append('\n');
            for (Convs.Key k : t.keys()) {
                sb.append("    ").append(k.name()).append(" (default ").append(k.defaultValue())
                        .append("): ").append(k.allowed()).append('\n');
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ builders

    private static ModelType unet(String name, String description, int[] blocks, String width) {
        return new ModelType(name, description,
                List.of(widthKey(width), decoderKey("auto"), interpolationKey(),
                        replaceKey("block")),
                spec -> resnetUnet(spec, blocks));
    }

    private static SegmentationModel resnetUnet(ModelSpec spec, int[] blocks) {
        ConvFactory f = factory(spec);
        double width = Double.parseDouble(spec.option("width"));
        Encoder encoder = new ResNetEncoder(f, blocks, width, spec.inChannels(), 32);
        int[] channels = spec.option("decoder").equals("auto")
                ? Arrays.stream(UnetDecoder.SMP_CHANNELS)
                        .map(c -> (int) Math.max(1, Math.round(c * width))).toArray()
                : parseInts(spec.option("decoder"), 5);
        return unetModel(spec, f, encoder, channels);
    }

    private static SegmentationModel mobilenetUnet(ModelSpec spec) {
        ConvFactory f = factory(spec);
        Encoder encoder = new MobileNetV2Encoder(f, spec.inChannels());
        return unetModel(spec, f, encoder, parseInts(spec.option("decoder"), 5));
    }

    private static SegmentationModel unetModel(ModelSpec spec, ConvFactory f, Encoder encoder,
            int[] channels) {
        UnetDecoder decoder = new UnetDecoder(f, encoder.outChannels(), channels,
                Resize.Mode.parse(spec.option("interpolation")));
        SegmentationHead head = new SegmentationHead(f, decoder.outChannels(), spec.classes(), 3,
                1, false);
        return new SegmentationModel(spec, encoder, decoder, head, f, 32);
    }

    private static SegmentationModel deeplab(ModelSpec spec) {
        ConvFactory f = factory(spec);
        var variant = DeepLabV3PlusDecoder.Variant.parse(spec.option("variant"));
        int stride = Integer.parseInt(spec.option("stride"));
        Encoder encoder = new ResNetEncoder(f, ResNetEncoder.RESNET18,
                Double.parseDouble(spec.option("width")), spec.inChannels(), stride);
        String d = spec.option("dropout");
        float dropout = d.equals("auto")
                ? (variant == DeepLabV3PlusDecoder.Variant.PAPER ? 0.1f : 0.5f)
                : Float.parseFloat(d);
        DeepLabV3PlusDecoder decoder = new DeepLabV3PlusDecoder(f, encoder.outChannels(),
                Integer.parseInt(spec.option("channels")), parseInts(spec.option("rates"), 3),
                variant, dropout);
        SegmentationHead head = new SegmentationHead(f, decoder.outChannels(), spec.classes(), 1,
                4, variant == DeepLabV3PlusDecoder.Variant.SMP);
        return new SegmentationModel(spec, encoder, decoder, head, f, stride);
    }

    private static ConvFactory factory(ModelSpec spec) {
        return new ConvFactory(spec.conv(), ConvRole.parseSet(spec.option("replace")));
    }

    // ------------------------------------------------------------------ option keys

    private static Convs.Key widthKey(String def) {
        return new Convs.Key("width", def, "encoder width multiplier, a number > 0 with "
                + "64 * width >= 1 (0.25 gives stages [16, 32, 64, 128])", v -> {
                    double w = Double.parseDouble(v);
                    return w > 0 && Math.round(64 * w) >= 1 && Double.isFinite(w);
                });
    }

    private static Convs.Key decoderKey(String def) {
        return new Convs.Key("decoder", def, "five decoder channel counts joined by /, deepest "
                + "first" + (def.equals("auto") ? ", or auto (smp's 256/128/64/32/16 times the "
                + "width)" : ""), v -> v.equals("auto") && def.equals("auto")
                        || parseInts(v, 5) != null);
    }

    private static Convs.Key interpolationKey() {
        return new Convs.Key("interpolation", "nearest", "decoder upsampling: nearest, bilinear",
                v -> Resize.Mode.parse(v) != null);
    }

    private static Convs.Key replaceKey(String def) {
        return new Convs.Key("replace", def, "convolution roles built from the conv spec, "
                + "joined by + (" + ConvRole.validKeys() + ") or none",
                v -> ConvRole.parseSet(v) != null);
    }

    /**
     * Parses {@code n} positive integers joined by {@code /}.
     *
     * @param text the text
     * @param n how many
     * @return the values, or null if the text is not that
     */
    static int[] parseInts(String text, int n) {
        String[] parts = text.split("/");
        if (parts.length != n) {
            return null;
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                return null;
            }
            if (out[i] < 1) {
                return null;
            }
        }
        return out;
    }

    /**
     * Formats channel counts as the {@code decoder} option reads them.
     *
     * @param channels the counts
     * @return e.g. {@code 256/128/64/32/16}
     */
    public static String formatInts(int[] channels) {
        return Arrays.stream(channels).mapToObj(String::valueOf).collect(Collectors.joining("/"));
    }
}
