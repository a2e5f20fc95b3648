package io.fadconv.data;

import io.fadconv.data.raster.RasterReader;
import io.fadconv.util.FilePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What a dataset is on disk, apart from how it is cut: its scenes (image + label pairs) and how
 * its labels encode classes. Made by {@link Gid#scan}, {@link HiCna#scan} or
 * {@link TileFolder#scan}; cut into samples by {@link Tiling}.
 *
 * @param kind a name for messages ("GID", "Hi-CNA", "tile folder")
 * @param root the folder it was read from
 * @param scenes the scenes, sorted by name
 * @param labels how labels encode classes
 */
public record DatasetSource(String kind, Path root, List<Scene> scenes, LabelCodec labels) {

    /** Validates. */
    public DatasetSource {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(labels, "labels");
        scenes = List.copyOf(scenes);
        if (scenes.isEmpty()) {
            throw new IllegalArgumentException(root + ": no " + kind + " scenes found");
        }
    }

    /**
     * Pairs images with labels by file stem: {@code image/<stem>.tif} with {@code label/<stem>.*}
     * or {@code label/<stem>_label.*}. Every image needs a label.
     *
     * @param kind the dataset kind for messages
     * @param imageDir the image folder
     * @param labelDir the label folder
     * @param namePrefix prefix of scene names ("" or "period/")
     * @return the scenes, sorted by name
     * @throws IOException when a folder cannot be listed
     */
    static List<Scene> pairByStem(String kind, Path imageDir, Path labelDir, String namePrefix)
            throws IOException {
        List<Path> images = rasters(kind, imageDir);
        Map<String, Path> labels = new HashMap<>();
        for (Path l : rasters(kind, labelDir)) {
            String stem = FilePaths.stem(l);
            labels.put(stem, l);
            if (stem.endsWith("_label")) {
                labels.putIfAbsent(stem.substring(0, stem.length() - "_label".length()), l);
            }
        }
        List<Scene> scenes = new ArrayList<>();
        for (Path img : images) {
            String stem = FilePaths.stem(img);
            Path label = labels.get(stem);
            if (label == null) {
                throw new IllegalArgumentException(img + ": no label file for it in " + labelDir
                        + " (expected " + stem + ".tif, " + stem + "_label.tif or .png)");
            }
            scenes.add(new Scene(namePrefix + stem, stem, img, label));
        }
        return scenes;
    }

    /** The raster files of a folder, sorted; a missing or empty folder is an error. */
    static List<Path> rasters(String kind, Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": folder not found (" + kind
                    + " layout; see README, section Data)");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> Files.isRegularFile(p) && RasterReader.isRaster(p)
                    && !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(dir + ": folder has no .tif, .tiff or .png files");
        }
        return files;
    }

    /** The first existing child folder of the candidates, or null. */
    static Path firstFolder(Path root, String... names) {
        for (String n : names) {
            Path p = root.resolve(n);
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    static void requireRoot(Path root, String kind) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException(root + ": " + kind.toLowerCase(Locale.ROOT)
                    + " dataset folder not found");
        }
    }
}
