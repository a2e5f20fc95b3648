package io.fadconv.cli;

import io.fadconv.Djl;
import io.fadconv.cost.CostRow;
import io.fadconv.cost.CostTable;
import io.fadconv.model.ModelSpec;
import io.fadconv.model.Models;
import io.fadconv.nn.ConvSpec;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fadconv cost}: Params and MAdds of a network in the paper's format. */
@Command(name = "cost", mixinStandardHelpOptions = true,
        description = {"Params and MAdds (per sample) of a network with a convolution type, counted"
                + " from the built model (no forward pass), in the format of the paper's tables: "
                + "MAdds of convolutions and linear layers, +X = extra MAdds over the static "
                + "baseline, Eq.5 = what the paper's Eq. 5 gives for the same layers, "
                + "Params(+fc) = with the unused ImageNet classifier the paper's counts include.",
            "Example: fadconv cost --model resnet18-unet --conv fadconv:k=4,p=16 --size 512"})
final class CostCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "NAME", description = "The network: "
            + "${COMPLETION-CANDIDATES}.", completionCandidates = ModelNames.class)
    String model;

    @Option(names = "--conv", paramLabel = "SPEC", defaultValue = "static",
            description = "Convolution spec of the replaced convolutions (${DEFAULT-VALUE}).")
    String conv;

    @Option(names = "--size", paramLabel = "N", defaultValue = "512",
            description = "Square input size (${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--height", paramLabel = "H", description = "Input height (overrides --size).")
    Integer height;

    @Option(names = "--width", paramLabel = "W", description = "Input width (overrides --size).")
    Integer width;

    @Option(names = "--classes", paramLabel = "N", description = "Output classes (default 6, "
            + "GID; 1 for resnet18x0.25-unet, Hi-CNA).")
    Integer classes;

    @Option(names = "--in-channels", paramLabel = "N", description = "Input channels (default 3,"
            + " RGB; 4 for resnet18x0.25-unet, Hi-CNA BGRN).")
    Integer inChannels;

    @Option(names = {"-o", "--option"}, paramLabel = "KEY=VALUE",
            description = "A model option, repeatable (see --list), e.g. "
                    + "-o replace=block+downsample.")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--all", description = "A row for every registered convolution type "
            + "(defaults), plus p=32 variants, instead of --conv.")
    boolean all;

    @Option(names = "--ops", description = "Also list every counted operation.")
    boolean ops;

    @Option(names = "--summary", description = "Also list every convolution with its role, "
            + "geometry and type.")
    boolean summary;

    @Option(names = "--list", description = "List the models and their options, then exit.")
    boolean list;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            out.print(Models.describe());
            return 0;
        }
        if (model == null) {
            throw new IllegalArgumentException("--model is required; valid models: "
                    + String.join(", ", Models.names()));
        }
        Djl.engine();
        boolean hiCna = model.strip().equalsIgnoreCase("resnet18x0.25-unet");
        ModelSpec base = new ModelSpec(model, ConvSpec.parse(conv),
                inChannels != null ? inChannels : hiCna ? 4 : 3,
                classes != null ? classes : hiCna ? 1 : 6, options);
        int h = height != null ? height : size;
        int w = width != null ? width : size;
        List<ConvSpec> convs = all ? CostTable.allSpecs() : List.of(base.conv());
        List<CostRow> rows = CostTable.rows(base, convs, h, w);
        out.printf("%s at %d x %d, %d input channels, %d classes, per sample%n", base.name(), h, w,
                base.inChannels(), base.classes());
        out.print(CostTable.format(rows));
        if (summary) {
            out.println();
            out.print(Models.create(base).summary());
        }
        if (ops) {
            out.println();
            out.print(CostTable.count(base, h, w).report().table());
        }
        return 0;
    }

    /** Completion candidates for --model. */
    static final class ModelNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Models.names().iterator();
        }
    }
}
