package io.fadconv.infer;

import io.fadconv.data.raster.Window;
import java.io.IOException;

/**
 * Receives what {@link SlidingWindowPredictor} computes, one window core at a time, in raster
 * order of the cores (left to right, then top to bottom).
 */
@FunctionalInterface
public interface CoreSink {

    /**
     * One core.
     *
     * @param core the scene pixels predicted
     * @param logits {@code channels x core.height x core.width} model outputs (class logits, or
     *     one logit of the positive class for single-logit binary runs)
     * @param nodata per core pixel (row-major), true where every input band holds the scene's
     *     nodata value; null when the scene has no nodata value
     * @throws IOException when the sink cannot write
     */
    void accept(Window core, float[] logits, boolean[] nodata) throws IOException;
}
