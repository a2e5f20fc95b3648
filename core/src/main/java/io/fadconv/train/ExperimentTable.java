package io.fadconv.train;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.cost.CostRow;
import io.fadconv.eval.MetricsFormat;
import io.fadconv.util.AtomicFiles;
import io.fadconv.util.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * An experiment as the paper's Tables 1-2 show it: OA, then Acc, P, R, F1, IoU of the cropland
 * class in %, Params, MAdds (the baseline's in full, the others as +extra over it) at the
 * training tile size and at 512 x 512, with a header saying what data it was trained on, how,
 * and when.
 */
public final class ExperimentTable {


    private ExperimentTable() {}

    /**
     * The header lines (markdown paragraphs).
     *
     * @param r the experiment
     * @return the text
     */
    public static String header(Experiment.Result r) {
        TrainConfig c = r.base();
        Experiment.Entry first = r.entries().get(0);
        String target = c.classScheme().names().get(c.classScheme().cropland());
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s on %s data (%s)%n%n", c.model(),
                c.kind().synthetic() ? "SYNTHETIC" : c.dataset(), c.data()));
        if (c.kind().synthetic()) {
            sb.append("The data are synthetic landscapes made by `fadconv synth`, not GID or "
                    + "Hi-CNA: the numbers show that training and evaluation work, not how the "
                    + "methods compare on real Gaofen-2 scenes.\n\n");
        }
        int trainTiles = first.log().epochs().isEmpty() ? 0
                : first.log().epochs().get(0).trainTiles();
        sb.append(String.format(Locale.ROOT, "Trained %s on %d CPU thread(s): %s; the same "
                + "seed, split and settings for every row.%n%n", r.date(), r.threads(),
                Experiment.setting(c, trainTiles)));
        sb.append(String.format(Locale.ROOT, "Metrics on the %s part (%d tiles), weights of the "
                + "epoch with the best validation IoU of %s: OA over all classes; Acc, P, R, "
                + "F1, IoU of %s; in %%. Params: trainable parameters; MAdds per image as the "
                + "paper counts them, the baseline's in full, the others +extra over it.%n",
                first.evaluation().part(), first.evaluation().tiles(), target, target));
        return sb.toString();
    }

    /**
     * The table in markdown.
     *
     * @param r the experiment
     * @return header and table
     */
    public static String markdown(Experiment.Result r) {
        int t = r.base().tile();
        StringBuilder sb = new StringBuilder("# ").append(header(r)).append('\n');
        sb.append(String.format(Locale.ROOT, "| Model | OA | Acc | P | R | F1 | IoU | Params | "
                + "MAdds (%d x %d) | MAdds (512 x 512) | best epoch | train+val min |%n", t, t));
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Experiment.Entry e : r.entries()) {
            List<String> cells = MetricsFormat.cells(e.evaluation().metrics(), 1);
            sb.append("| ").append(e.label()).append(e.reused() ? " (reused)" : "");
            cells.forEach(c -> sb.append(" | ").append(c));
            sb.append(" | ").append(e.cost().paramsText())
                    .append(" | ").append(madds(e.cost()))
                    .append(" | ").append(madds(e.cost512()))
                    .append(" | ").append(e.log().bestEpoch() == 0 ? "-"
                            : e.log().bestEpoch() + "/" + e.log().epochsDone())
                    .append(String.format(Locale.ROOT, " | %.1f |%n", e.seconds() / 60));
        }
        return sb.toString();
    }

    private static String madds(CostRow c) {
        return c.conv().equals("static") ? c.maddsText() : c.extraText();
    }

    /**
     * Writes {@code results.md} and {@code results.json} into the experiment folder.
     *
     * @param r the experiment
     * @param dir the folder
     * @return the markdown file
     * @throws IOException on failure
     */
    public static Path save(Experiment.Result r, Path dir) throws IOException {
        Path md = dir.resolve("results.md");
        AtomicFiles.writeString(md, markdown(r));
        ObjectNode root = Json.object();
        root.put("date", r.date().toString());
        root.put("threads", r.threads());
        root.set("config", r.base().toJson());
        ArrayNode rows = root.putArray("runs");
        for (Experiment.Entry e : r.entries()) {
            ObjectNode o = rows.addObject();
            o.put("conv", e.label());
            o.put("folder", e.folder().dir().toString());
            o.put("reused", e.reused());
            o.put("part", e.evaluation().part());
            o.put("bestEpoch", e.log().bestEpoch());
            o.put("epochs", e.log().epochsDone());
            o.put("seconds", e.seconds());
            o.put("params", e.cost().params());
            o.put("madds", e.cost().madds());
            o.put("extraMadds", e.cost().extra());
            o.put("madds512", e.cost512().madds());
            o.put("extraMadds512", e.cost512().extra());
            o.set("metrics", MetricsFormat.toJson(e.evaluation().metrics()));
        }
        AtomicFiles.writeString(dir.resolve("results.json"), Json.pretty(root)
                + "\n");
        return md;
    }
}
