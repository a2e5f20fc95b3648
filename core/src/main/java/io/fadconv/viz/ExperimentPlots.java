package io.fadconv.viz;

import io.fadconv.train.EpochMetrics;
import io.fadconv.train.Experiment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The charts of an experiment: F1 of the cropland class versus MAdds per 512 x 512 image (the
 * paper's Figure 5), the training and validation loss per epoch, and the validation F1 and IoU
 * of the cropland class per epoch.
 */
public final class ExperimentPlots {

    private ExperimentPlots() {}

    /**
     * Writes every chart into a folder.
     *
     * @param r the experiment
     * @param dir the folder
     * @return the files written
     * @throws IOException on write failure
     */
    public static List<Path> write(Experiment.Result r, Path dir) throws IOException {
        String target = r.base().classScheme().names().get(r.base().classScheme().cropland());
        String data = r.base().kind().synthetic() ? "synthetic data"
                : r.base().dataset();
        List<Path> files = new ArrayList<>();

        List<Plots.Point> points = new ArrayList<>();
        for (Experiment.Entry e : r.entries()) {
            points.add(new Plots.Point(e.label(), e.cost512().madds() / 1e9,
                    100 * e.evaluation().metrics().targetClass().f1()));
        }
        Path fig5 = dir.resolve("f1-vs-madds.png");
        Plots.points(fig5, String.format("%s F1 vs MAdds, %s (%s part)", target,
                r.base().model(), r.entries().get(0).evaluation().part()),
                "MAdds per 512 x 512 image (G)", target + " F1 (%)", points);
        files.add(fig5);

        Path loss = dir.resolve("loss-curves.png");
        List<Plots.Series> lossSeries = new ArrayList<>();
        List<Plots.Series> f1Series = new ArrayList<>();
        for (int i = 0; i < r.entries().size(); i++) {
            Experiment.Entry e = r.entries().get(i);
            lossSeries.add(series(e, i, "train", false, EpochMetrics::trainLoss));
            lossSeries.add(series(e, i, "val", true, EpochMetrics::valLoss));
            f1Series.add(series(e, i, "val F1", false,
                    m -> 100 * m.validation().targetClass().f1()));
            f1Series.add(series(e, i, "val IoU", true,
                    m -> 100 * m.validation().targetClass().iou()));
        }
        Plots.lines(loss, "Training (solid) and validation (dashed) loss, " + r.base().model()
                + ", " + data, "epoch", "loss (" + (r.base().loss().id().equals("ce")
                        ? "cross-entropy" : "binary cross-entropy") + ", mean per pixel)",
                lossSeries);
        files.add(loss);
        Path f1 = dir.resolve("validation-curves.png");
        Plots.lines(f1, "Validation " + target + " F1 (solid) and IoU (dashed) per epoch, "
                + data, "epoch", target + " F1 / IoU (%)", f1Series);
        files.add(f1);
        return files;
    }

    private static Plots.Series series(Experiment.Entry e, int group, String what,
            boolean dashed, ToDoubleFunction<EpochMetrics> f) {
        List<EpochMetrics> ep = e.log().epochs();
        double[] x = new double[ep.size()];
        double[] y = new double[ep.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = ep.get(i).epoch();
            y[i] = f.applyAsDouble(ep.get(i));
        }
        return new Plots.Series(e.label() + " " + what, x, y, group, dashed);
    }
}
