package io.fadconv.data;

import io.fadconv.data.raster.Window;
import java.util.Objects;

/**
 * One training or evaluation example: a window of a scene's image and label.
 *
 * @param id unique and stable: the scene name, plus {@code @x,y} for a window cut from a scene
 * @param group the split group (see {@link Scene#group()}), with the same window suffix
 * @param scene the files
 * @param window the pixels of the scene this sample covers
 */
public record Sample(String id, String group, Scene scene, Window window) {

    /** Validates. */
    public Sample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(scene, "scene");
        Objects.requireNonNull(window, "window");
    }
}
