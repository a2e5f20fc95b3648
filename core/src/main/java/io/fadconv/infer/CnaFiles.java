package io.fadconv.infer;

import java.nio.file.Path;

/**
 * The files of a CNA detection, {@code <dir>/}:
 *
 * <pre>
 * t1_classes.tif, t2_classes.tif   class maps of both dates (when predicted from scenes)
 * t1_classes.png, t2_classes.png   their previews with a legend
 * change.tif                       change map: ChangeCodes values, colour table, nodata 255
 * change.png                       cropland loss over the t2 image, with legend and areas
 * statistics.json, statistics.csv  AreaStatistics: pixels and hectares, evaluation with a truth
 * </pre>
 *
 * @param dir the output folder
 */
public record CnaFiles(Path dir) {

    /** @return the t1 class map */
    public Path beforeClasses() {
        return dir.resolve("t1_classes.tif");
    }

    /** @return the t2 class map */
    public Path afterClasses() {
        return dir.resolve("t2_classes.tif");
    }

    /** @return the t1 class map preview */
    public Path beforePreview() {
        return dir.resolve("t1_classes.png");
    }

    /** @return the t2 class map preview */
    public Path afterPreview() {
        return dir.resolve("t2_classes.png");
    }

    /** @return the change map */
    public Path change() {
        return dir.resolve("change.tif");
    }

    /** @return the overlay PNG */
    public Path overlay() {
        return dir.resolve("change.png");
    }

    /** @return the statistics as JSON */
    public Path statisticsJson() {
        return dir.resolve("statistics.json");
    }

    /** @return the area table as CSV */
    public Path statisticsCsv() {
        return dir.resolve("statistics.csv");
    }
}
