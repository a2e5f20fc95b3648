package io.fadconv.engine;

import ai.djl.ndarray.NDArray;

/**
 * The one way a timed run waits for an array to be computed. PyTorch's CPU operators return when
 * their result is written, so reading one element suffices. Copying the whole result into a Java
 * array, as the timers did before, charged every run with that copy and, for outputs of several
 * megabytes, with the page faults of the fresh Java array: a resnet18x0.25-unet inference pass
 * copied its 12.6 MB of logits and faulted 3,164-3,169 pages, against 77-89 without the copy
 * (AMD EPYC Zen 5); a 512-channel weight-gradient timing copied 9.4 MB.
 */
public final class Completion {

    private Completion() {}

    /**
     * Returns once {@code a} is computed, reading one element of it.
     *
     * @param a the array
     */
    public static void await(NDArray a) {
        if (a.getShape().dimension() == 0 || a.size() == 0) {
            a.toByteArray();
            return;
        }
        try (NDArray first = a.get(new long[a.getShape().dimension()])) {
            first.toByteArray();
        }
    }
}
