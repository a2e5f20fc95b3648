package io.fadconv.workflow;

import io.fadconv.infer.ProgressListener;
import java.util.function.LongConsumer;

/**
 * Turns the window progress of a pair's two mappings into scene pixels done: the first
 * mapping counts the t1 scene, the next one the t2 scene (a new stage starts when the task name
 * changes or the count starts again); the change detection after them adds nothing.
 */
final class PairProgress implements ProgressListener {

    private final long scenePixels;
    private final LongConsumer pixelsDone;
    private String task;
    private long last = Long.MAX_VALUE;
    private int stage = -1;

    private PairProgress(long scenePixels, LongConsumer pixelsDone) {
        this.scenePixels = scenePixels;
        this.pixelsDone = pixelsDone;
    }

    static ProgressListener of(long scenePixels, LongConsumer pixelsDone) {
        return new PairProgress(scenePixels, pixelsDone);
    }

    @Override
    public void update(long done, long total, String what) {
        if (!what.equals(task) || done < last) {
            stage++;
            task = what;
        }
        last = done;
        if (stage < 2 && total > 0) {
            pixelsDone.accept(stage * scenePixels + scenePixels * done / total);
        }
    }
}
