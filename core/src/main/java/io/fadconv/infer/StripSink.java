package io.fadconv.infer;

import io.fadconv.data.raster.Window;
import java.io.IOException;

/** Receives a class map strip by strip, top to bottom, each strip the full scene width. */
@FunctionalInterface
public interface StripSink {

    /**
     * One strip.
     *
     * @param strip the rows (x = 0, full width)
     * @param values {@code strip.height x strip.width} values 0..255, row-major
     * @throws IOException when the sink cannot write
     */
    void accept(Window strip, byte[] values) throws IOException;
}
