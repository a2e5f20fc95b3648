package io.fadconv.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A generic folder of tiles: {@code <root>/image/<stem>.(tif|png)} matched with
 * {@code <root>/label/<stem>.(tif|png)} (or {@code <stem>_label}); {@code images}/{@code labels}
 * and {@code masks} folder names work too.
 */
public final class TileFolder {

    private TileFolder() {}

    /**
     * Finds the tiles under a root.
     *
     * @param root the folder
     * @param labels how the labels encode classes
     * @return the dataset
     * @throws IOException when folders cannot be listed
     */
    public static DatasetSource scan(Path root, LabelCodec labels) throws IOException {
        DatasetSource.requireRoot(root, "tile folder");
        Path images = DatasetSource.firstFolder(root, "image", "images");
        Path masks = DatasetSource.firstFolder(root, "label", "labels", "mask", "masks");
        if (images == null || masks == null) {
            throw new IllegalArgumentException(root + ": a tile folder needs an image (or images) "
                    + "folder and a label (labels, mask, masks) folder");
        }
        return new DatasetSource("tile folder", root,
                DatasetSource.pairByStem("tile folder", images, masks, ""), labels);
    }
}
