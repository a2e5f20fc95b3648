package io.fadconv.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.nn.ConvSpec;
import io.fadconv.train.TrainConfig;
import io.fadconv.util.Json;
import io.fadconv.workflow.ExperimentReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options that make a {@link TrainConfig}, shared by {@code train} and {@code experiment}.
 * Layers, each overriding the one before: the config file (or the dataset kind's preset), then
 * {@code --preset}, then the options given ({@link Fields}, each named as the config field it
 * sets).
 */
final class TrainOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "A JSON config (the config.json of a run folder has the format); "
                    + "options given here override it.")
    Path config;

    @Option(names = "--preset", paramLabel = "NAME", description = "The paper's settings: gid "
            + "(lr 1e-4, wd 1e-4, batch 24, 50 epochs, CE, 512 tiles) or hicna (lr 3e-4, wd 1e-4, "
            + "batch 16, 50 epochs, BCE, 512 tiles). Default: the dataset kind's (gid, synthetic:"
            + " gid; others: hicna; synthetic kinds with 256 tiles).")
    String preset;

    @Mixin Fields fields;

    @Mixin ThreadsOption threads;

    /**
     * The config's fields as options. Each Java field is named as the {@link TrainConfig}
     * component it sets and holds null when the option is not given; {@link #overlay} turns the
     * given ones into an overlay. A new config field is a component of the record and an option
     * here.
     */
    static final class Fields {

        @Option(names = "--data", paramLabel = "DIR", description = "The dataset folder.")
        Path data;

        @Option(names = "--dataset", paramLabel = "KIND", completionCandidates =
                DatasetKinds.class, description = "The dataset kind: ${COMPLETION-CANDIDATES} "
                + "(synthetic: the GID layout of 'fadconv synth', generated when DIR is missing; "
                + "synthetic-hicna: its Hi-CNA tiles).")
        String dataset;

        @Option(names = "--model", paramLabel = "NAME", description = "The network (default "
                + "resnet18-unet): resnet18-unet, resnet34-unet, resnet18x0.25-unet, "
                + "mobilenetv2-unet, deeplabv3plus-resnet18.")
        String model;

        @Option(names = {"-o", "--option"}, paramLabel = "KEY=VALUE",
                description = "A model option, repeatable (see 'fadconv cost --list').")
        Map<String, String> modelOptions;

        @Option(names = "--labels", paramLabel = "ENC", description = "Label encoding of a "
                + "folder dataset: binary, ids, gid (default: binary for 2 classes, else ids).")
        String labels;

        @Option(names = "--classes", paramLabel = "N", description = "Classes of a folder "
                + "dataset.")
        Integer classes;

        @Option(names = "--bands", split = ",", paramLabel = "I",
                description = "0-based input bands in model order (default: all bands).")
        List<Integer> bands;

        @Option(names = "--tile", paramLabel = "N", description = "Tile size the scenes are cut "
                + "into (multiple of 32; preset 512, synthetic 256).")
        Integer tile;

        @Option(names = "--epochs", paramLabel = "N", description = "Epochs.")
        Integer epochs;

        @Option(names = "--batch", paramLabel = "N", description = "Tiles per step.")
        Integer batch;

        @Option(names = "--lr", paramLabel = "X", description = "Learning rate (constant).")
        Double lr;

        @Option(names = "--wd", paramLabel = "X", description = "Weight decay (L2 added to the "
                + "gradient, as torch.optim.Adam's weight_decay).")
        Double weightDecay;

        @Option(names = "--loss", paramLabel = "ce|bce", description = "ce (cross-entropy, one "
                + "logit per class) or bce (binary cross-entropy, one logit).")
        String loss;

        @Option(names = "--seed", paramLabel = "N", description = "Seed of the split, the "
                + "initialisation and the data order (default 0).")
        Long seed;

        @Option(names = "--train-tiles", paramLabel = "N", description = "Tiles per epoch, drawn "
                + "from each epoch's shuffle (default 0 = all).")
        Integer trainTiles;

        @Option(names = "--val-tiles", paramLabel = "N", description = "Validation tiles "
                + "(default 0 = all).")
        Integer valTiles;

        @Option(names = "--norm-samples", paramLabel = "N", description = "Training tiles the "
                + "normalisation statistics come from (default 256; 0 = all).")
        Integer normSamples;

        /**
         * The options given, as config fields.
         *
         * @return an overlay
         */
        ObjectNode overlay() {
            ObjectNode o = Json.object();
            for (Field f : Fields.class.getDeclaredFields()) {
                if (f.isSynthetic() || java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                try {
                    Object v = f.get(this);
                    if (v != null) {
                        o.set(f.getName(), Json.MAPPER.valueToTree(v));
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
            return o;
        }
    }

    /**
     * The config: file or preset, then the options given.
     *
     * @param conv the convolution spec given, or null for the file's (or static)
     * @return the config
     * @throws IOException when the config file cannot be read
     */
    TrainConfig build(String conv) throws IOException {
        TrainConfig.Builder b;
        if (config != null) {
            b = TrainConfig.load(config).toBuilder();
        } else {
            if (fields.data == null || fields.dataset == null) {
                throw new IllegalArgumentException("--data and --dataset are required (or "
                        + "--config FILE)");
            }
            b = TrainConfig.builder(fields.data, fields.dataset);
        }
        if (preset != null) {
            b.preset(preset);
        }
        b.apply(fields.overlay());
        if (conv != null) {
            b.set("conv", ConvSpec.parse(conv));
        }
        return b.build();
    }

    /**
     * Loads the engine with the requested thread count.
     *
     * @return the engine's intra-op thread count
     */
    int applyThreads() {
        return threads.apply();
    }

    /**
     * Generates the synthetic demo dataset when a synthetic kind points at a missing folder,
     * saying so.
     *
     * @param c the config
     * @param out where to say so
     * @throws IOException on write failure
     */
    static void generateIfMissing(TrainConfig c, PrintWriter out) throws IOException {
        ExperimentReport.generateIfMissing(c, line -> {
            out.println(line);
            out.flush();
        });
    }
}
