package io.fadconv.cost;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.fadconv.model.ModelSpec;
import io.fadconv.model.Models;
import io.fadconv.model.SegmentationModel;
import io.fadconv.nn.ConvSpec;
import io.fadconv.nn.Convs;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Cost tables in the paper's format: a network over convolution specs, each row with Params,
 * MAdds and the extra MAdds over the static baseline, beside what the paper's Eq. 5 gives.
 */
public final class CostTable {

    private CostTable() {}

    /**
     * Builds a model, initialises it (parameters only; nothing runs) and counts it.
     *
     * @param spec the model
     * @param height input height
     * @param width input width
     * @return the report and the classifier size the paper counts
     */
    public static Counted count(ModelSpec spec, int height, int width) {
        SegmentationModel model = Models.create(spec);
        Shape input = new Shape(1, spec.inChannels(), height, width);
        model.checkInput(input);
        try (NDManager m = NDManager.newBaseManager()) {
            model.initialize(m, DataType.FLOAT32, input);
            return new Counted(CostCounter.count(model, input),
                    model.encoder().imagenetClassifierParams());
        }
    }

    /**
     * A counted model.
     *
     * @param report the cost report
     * @param classifierParams the encoder's ImageNet classifier size
     */
    public record Counted(CostReport report, long classifierParams) {}

    /**
     * Rows for one network over convolution specs; the static baseline is counted once.
     *
     * @param spec the network (its conv spec is ignored)
     * @param convs the specs, one row each
     * @param height input height
     * @param width input width
     * @return the rows in the order of {@code convs}
     */
    public static List<CostRow> rows(ModelSpec spec, List<ConvSpec> convs, int height,
            int width) {
        ConvSpec staticSpec = ConvSpec.parse("static");
        Counted base = count(spec.withConv(staticSpec), height, width);
        List<CostRow> rows = new ArrayList<>();
        for (ConvSpec c : convs) {
            Counted counted = c.isStatic() ? base : count(spec.withConv(c), height, width);
            CostReport r = counted.report();
            rows.add(new CostRow(spec.name(), c.toString(), height, width, r.params(),
                    counted.classifierParams(), r.madds(), r.madds() - base.report().madds(),
                    r.paperEq5Extra(), r.dynamicExtraByPart(), r.paperEq5ByTerm()));
        }
        return rows;
    }

    /**
     * The specs of a full table: {@code static}, then every registered type with its defaults,
     * and for types with a pool size {@code p} also {@code p=32}.
     *
     * @return the specs
     */
    public static List<ConvSpec> allSpecs() {
        List<ConvSpec> specs = new ArrayList<>();
        specs.add(ConvSpec.parse("static"));
        for (Convs.Type t : Convs.types()) {
            if (t.name().equals("static")) {
                continue;
            }
            specs.add(ConvSpec.parse(t.name()));
            if (t.keys().stream().anyMatch(k -> k.name().equals("p"))) {
                specs.add(ConvSpec.parse(t.name() + ":p=32"));
            }
        }
        return specs;
    }

    /**
     * Formats rows as an aligned text table.
     *
     * @param rows the rows
     * @return the table, one line per row after a header
     */
    public static String format(List<CostRow> rows) {
        int convWidth = Math.max(4, rows.stream().mapToInt(r -> r.conv().length()).max()
                .orElse(4));
        String fmt = "%-" + convWidth + "s  %9s  %13s  %9s  %10s  %10s  %s%n";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, fmt, "conv", "Params",
                "Params(+fc)", "MAdds", "extra", "Eq.5", "extra by part (implemented)"));
        for (CostRow r : rows) {
            String parts = r.conv().equals("static") ? ""
                    : r.extraByPart().entrySet().stream()
                            .map(e -> e.getKey() + " " + CostRow.signed(e.getValue()).substring(1))
                            .collect(Collectors.joining(", "));
            sb.append(String.format(Locale.ROOT, fmt, r.conv(), r.paramsText(),
                    r.paramsWithClassifierText(), r.maddsText(), r.extraText(), r.eq5Text(),
                    parts));
        }
        return sb.toString();
    }
}
