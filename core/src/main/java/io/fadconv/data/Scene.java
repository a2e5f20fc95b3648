package io.fadconv.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An image file and its label file on disk: a whole scene (GID) or one tile (Hi-CNA, a folder of
 * tiles).
 *
 * @param name a name unique in its dataset (the file stem, with the period for Hi-CNA)
 * @param group what must stay on one side of a split: tiles of the same place in two periods
 *     share a group; otherwise the name
 * @param image the image file
 * @param label the label file, or null for unlabelled data (mapping)
 */
public record Scene(String name, String group, Path image, Path label) {

    /** Validates. */
    public Scene {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(image, "image");
    }

    /**
     * A scene that is its own group.
     *
     * @param name the name
     * @param image the image file
     * @param label the label file
     * @return the scene
     */
    public static Scene of(String name, Path image, Path label) {
        return new Scene(name, name, image, label);
    }
}
