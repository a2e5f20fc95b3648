package io.fadconv.nn;

/**
 * A block that knows the PyTorch {@code state_dict} names of its tensors, so weights move between
 * this project and the reference implementations by name (see {@link TorchWeights}).
 */
public interface TorchModule {

    /**
     * Adds this block's tensors to {@code dict}, each key prefixed with {@code prefix} (empty for
     * the root, otherwise ending in a dot).
     *
     * @param prefix the key prefix
     * @param dict the dictionary to fill
     */
    void torchState(String prefix, TorchStateDict dict);
}
