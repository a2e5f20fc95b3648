package io.fadconv.viz;

import io.fadconv.util.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Charts as PNG files (XChart, headless): labelled points (e.g. F1 versus MAdds, the paper's
 * Figure 5) and line series (training and validation curves). Every chart has a title, axis
 * titles with units and a legend; files are written atomically.
 */
public final class Plots {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Chart size in pixels. */
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 640;

    /**
     * A labelled point.
     *
     * @param label the legend entry
     * @param x the x value
     * @param y the y value
     */
    public record Point(String label, double x, double y) {}

    /**
     * A line.
     *
     * @param label the legend entry
     * @param x x values
     * @param y y values (NaN points are left out)
     * @param group series of one group share a colour (e.g. training and validation of one run)
     * @param dashed whether the line is dashed
     */
    public record Series(String label, double[] x, double[] y, int group, boolean dashed) {}

    private Plots() {}

    /**
     * Points, one legend entry each.
     *
     * @param png the file to write
     * @param title the chart title
     * @param xTitle the x axis title with its unit
     * @param yTitle the y axis title with its unit
     * @param points the points
     * @throws IOException on write failure
     */
    public static void points(Path png, String title, String xTitle, String yTitle,
            List<Point> points) throws IOException {
        XYChart chart = chart(title, xTitle, yTitle);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(14);
        chart.getStyler().setXAxisDecimalPattern(pattern(points.stream()
                .mapToDouble(Point::x).toArray()));
        chart.getStyler().setYAxisDecimalPattern(pattern(points.stream()
                .mapToDouble(Point::y).toArray()));
        double[] xr = padded(points.stream().mapToDouble(Point::x).toArray());
        double[] yr = padded(points.stream().mapToDouble(Point::y).toArray());
        chart.getStyler().setXAxisMin(xr[0]).setXAxisMax(xr[1]);
        chart.getStyler().setYAxisMin(yr[0]).setYAxisMax(yr[1]);
        for (Point p : points) {
            chart.addSeries(p.label(), new double[] {p.x()}, new double[] {p.y()});
        }
        write(chart, png);
    }

    /**
     * Lines; series of one group share a colour.
     *
     * @param png the file to write
     * @param title the chart title
     * @param xTitle the x axis title with its unit
     * @param yTitle the y axis title with its unit
     * @param series the lines
     * @throws IOException on write failure
     */
    public static void lines(Path png, String title, String xTitle, String yTitle,
            List<Series> series) throws IOException {
        XYChart chart = chart(title, xTitle, yTitle);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setMarkerSize(6);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setYAxisDecimalPattern(pattern(series.stream()
                .flatMapToDouble(s -> java.util.Arrays.stream(s.y())).toArray()));
        Color[] colors = chart.getStyler().getSeriesColors();
        for (Series s : series) {
            int n = 0;
            for (double v : s.y()) {
                n += Double.isNaN(v) ? 0 : 1;
            }
            if (n == 0) {
                continue;
            }
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0, j = 0; i < s.y().length; i++) {
                if (!Double.isNaN(s.y()[i])) {
                    x[j] = s.x()[i];
                    y[j++] = s.y()[i];
                }
            }
            XYSeries xy = chart.addSeries(s.label(), x, y);
            Color c = colors[Math.floorMod(s.group(), colors.length)];
            xy.setLineColor(c);
            xy.setMarkerColor(c);
            xy.setMarker(s.dashed() ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
            xy.setLineStyle(s.dashed() ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
        }
        write(chart, png);
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).theme(Styler.ChartTheme.XChart).build();
        Styler s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setChartBackgroundColor(Color.WHITE);
        return chart;
    }

    /** Axis range of values with 10% room on each side (a unit around a single value). */
    static double[] padded(double[] v) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            if (Double.isFinite(d)) {
                lo = Math.min(lo, d);
                hi = Math.max(hi, d);
            }
        }
        if (lo > hi) {
            return new double[] {0, 1};
        }
        double pad = hi > lo ? (hi - lo) * 0.1 : Math.max(Math.abs(lo) * 0.05, 0.5);
        return new double[] {lo - pad, hi + pad};
    }

    /** A tick label pattern with enough decimals to tell the values' range apart. */
    static String pattern(double[] v) {
        double[] r = padded(v);
        double span = r[1] - r[0];
        int decimals = span >= 20 ? 0 : span >= 2 ? 1 : span >= 0.2 ? 2 : span >= 0.02 ? 3 : 4;
        return decimals == 0 ? "0" : "0." + "0".repeat(decimals);
    }

    private static void write(XYChart chart, Path png) throws IOException {
        byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(png, out -> out.write(bytes));
    }
}
