package io.fadconv.train;

import io.fadconv.data.DatasetSource;
import io.fadconv.data.Normalization;
import io.fadconv.data.Sample;
import io.fadconv.data.SegmentationDataset;
import io.fadconv.data.Splits;
import io.fadconv.data.Tiling;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.run.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The data of a run: the dataset cut into tiles, the split and the normalisation. The split and
 * normalisation are made once and saved in the run folder ({@code split.json},
 * {@code normalization.json}); a resumed or evaluated run reads them back, so it sees exactly
 * the tiles and statistics it was trained with.
 *
 * @param samples every tile of the dataset
 * @param split the split
 * @param normalization the input bands and their statistics (from the training part)
 */
public record TrainData(List<Sample> samples, Splits split, Normalization normalization) {

    /**
     * Opens the data of a run, making and saving the split and normalisation when the folder does
     * not hold them yet.
     *
     * @param config the config
     * @param folder the run folder
     * @return the data
     * @throws IOException on read or write failure
     */
    public static TrainData prepare(TrainConfig config, RunFolder folder) throws IOException {
        DatasetSource source = config.source();
        List<Sample> samples = Tiling.grid(config.tile()).cut(source);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException(config.data() + ": no " + config.tile() + " x "
                    + config.tile() + " tiles in the dataset (are the scenes smaller than "
                    + "--tile?)");
        }
        Splits split;
        if (Files.isRegularFile(folder.split())) {
            split = Splits.load(folder.split());
        } else {
            split = Splits.random(samples, config.seed(), config.splitFractions());
            split.save(folder.split());
        }
        List<Sample> train = split.select(samples, "train");
        if (train.isEmpty()) {
            throw new IllegalArgumentException(config.data() + ": the training part of the split "
                    + "is empty (" + samples.size() + " tiles in all)");
        }
        Normalization norm;
        if (Files.isRegularFile(folder.normalization())) {
            norm = Normalization.load(folder.normalization());
        } else {
            int[] bands = config.bands().isEmpty() ? allBands(train.get(0))
                    : config.bands().stream().mapToInt(Integer::intValue).toArray();
            norm = Normalization.compute(train, bands, config.normSamples(), config.seed());
            norm.save(folder.normalization());
        }
        return new TrainData(samples, split, norm);
    }

    /**
     * Opens the data of an existing run folder (split and normalisation must be there).
     *
     * @param config the run's config
     * @param folder the run folder
     * @return the data
     * @throws IOException on read failure
     */
    public static TrainData open(TrainConfig config, RunFolder folder) throws IOException {
        if (!Files.isRegularFile(folder.split()) || !Files.isRegularFile(folder.normalization())) {
            throw new IllegalArgumentException(folder.dir() + ": split.json or normalization.json"
                    + " is missing; was the run made by 'fadconv train'?");
        }
        return new TrainData(Tiling.grid(config.tile()).cut(config.source()),
                Splits.load(folder.split()), Normalization.load(folder.normalization()));
    }

    private static int[] allBands(Sample s) throws IOException {
        try (RasterReader r = RasterReader.open(s.scene().image())) {
            return IntStream.range(0, r.info().bands()).toArray();
        }
    }

    /**
     * The tiles of one part of the split.
     *
     * @param part {@code train}, {@code val} or {@code test}
     * @return the tiles, in dataset order
     */
    public List<Sample> part(String part) {
        if (!split.parts().containsKey(part)) {
            throw new IllegalArgumentException("the split has no part '" + part + "'; its parts: "
                    + String.join(", ", split.parts().keySet())
                    + (part.equals("test") ? " (GID's 80/20 split, as in the paper, has no "
                            + "separate test part: its 'val' part is the paper's test set)" : ""));
        }
        return split.select(samples, part);
    }

    /**
     * A dataset over tiles.
     *
     * @param config the config (label encoding)
     * @param tiles the tiles
     * @return the dataset
     * @throws IOException when the first image cannot be read
     */
    public SegmentationDataset dataset(TrainConfig config, List<Sample> tiles)
            throws IOException {
        if (tiles.isEmpty()) {
            throw new IllegalArgumentException("no tiles to read (an empty part of the split; "
                    + "the dataset may be too small for " + config.tile() + " x " + config.tile()
                    + " tiles)");
        }
        return SegmentationDataset.builder().setSamples(tiles).setLabels(config.labelCodec())
                .setNormalization(normalization).build();
    }
}
