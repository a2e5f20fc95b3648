package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.fadconv.engine.KernelMemory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Loads and saves a block's parameters by their PyTorch {@code state_dict} key names, from and
 * to {@code .npz} and {@code .safetensors}, so weights trained with the reference PyTorch code run
 * here and the other way round. Keys may carry a prefix (a layer inside a whole model).
 *
 * <p>Loading is strict like {@code load_state_dict(strict=True)}: a missing key, an unexpected
 * key, a shape or dtype mismatch is an {@link IllegalArgumentException} naming the key (and both
 * shapes). BatchNorm's {@code num_batches_tracked} is accepted and ignored.
 */
public final class TorchWeights {

    private TorchWeights() {}

    /**
     * The state dict of an initialised block.
     *
     * @param block the block
     * @return its entries
     */
    public static TorchStateDict stateDict(Block block) {
        TorchStateDict dict = new TorchStateDict();
        dict.child("", block);
        return dict;
    }

    /**
     * Saves an initialised block's tensors to a file (atomically).
     *
     * @param block the block
     * @param file a .npz or .safetensors path
     * @throws IOException on failure
     */
    public static void save(Block block, Path file) throws IOException {
        TensorFiles.write(file, toTensors(block, ""));
    }

    /**
     * The block's tensors as a name map, optionally under a prefix.
     *
     * @param block the block
     * @param prefix a key prefix, empty or ending in a dot
     * @return the tensors in state_dict order
     */
    public static Map<String, TorchTensor> toTensors(Block block, String prefix) {
        Map<String, TorchTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, TorchStateDict.Entry> e : stateDict(block).entries().entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof TorchStateDict.ParamEntry p) {
                NDArray a = p.parameter().getArray();
                out.put(key, TorchTensor.ofFloats(p.shape().getShape(), a.toFloatArray()));
            } else if (e.getValue() instanceof TorchStateDict.ConstantEntry c) {
                out.put(key, TorchTensor.ofFloats(c.shape().getShape(), c.values()));
            } else {
                out.put(key, TorchTensor.ofLongScalar(0));
            }
        }
        return out;
    }

    /**
     * Loads a file into an initialised block.
     *
     * @param block the block
     * @param file a .npz or .safetensors file
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException for missing or unexpected keys or wrong shapes
     */
    public static void load(Block block, Path file) throws IOException {
        try {
            fromTensors(block, TensorFiles.read(file), "");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Copies tensors into an initialised block. Every key under {@code prefix} must belong to the
     * block and every tensor of the block must be present.
     *
     * @param block the block
     * @param tensors tensors by full key
     * @param prefix the prefix of this block's keys, empty or ending in a dot
     */
    public static void fromTensors(Block block, Map<String, TorchTensor> tensors, String prefix) {
        Map<String, TorchStateDict.Entry> entries = stateDict(block).entries();
        List<String> missing = new ArrayList<>();
        for (String k : entries.keySet()) {
            if (!tensors.containsKey(prefix + k)
                    && !(entries.get(k) instanceof TorchStateDict.CounterEntry)) {
                missing.add(prefix + k);
            }
        }
        TreeSet<String> unexpected = new TreeSet<>();
        for (String k : tensors.keySet()) {
            if (k.startsWith(prefix) && !entries.containsKey(k.substring(prefix.length()))) {
                unexpected.add(k);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IllegalArgumentException(
                    (missing.isEmpty() ? "" : "missing keys " + missing)
                            + (missing.isEmpty() || unexpected.isEmpty() ? "" : "; ")
                            + (unexpected.isEmpty() ? "" : "unexpected keys " + unexpected)
                            + "; expected keys " + entries.keySet());
        }
        // Check everything before changing anything, so a bad file leaves the block untouched.
        for (Map.Entry<String, TorchStateDict.Entry> e : entries.entrySet()) {
            String key = prefix + e.getKey();
            TorchTensor t = tensors.get(key);
            if (e.getValue() instanceof TorchStateDict.ParamEntry p) {
                checkFloat(key, t, p.shape());
            } else if (e.getValue() instanceof TorchStateDict.ConstantEntry c) {
                checkFloat(key, t, c.shape());
                float[] got = t.floats();
                for (int i = 0; i < got.length; i++) {
                    if (Math.abs(got[i] - c.values()[i]) > c.tolerance()) {
                        throw new IllegalArgumentException(
                                "key " + key + " holds a buffer that does not match this layer's "
                                        + "configuration (element " + i + ": file " + got[i]
                                        + ", expected " + c.values()[i]
                                        + "); was it saved with another pool size?");
                    }
                }
            }
        }
        for (Map.Entry<String, TorchStateDict.Entry> e : entries.entrySet()) {
            if (e.getValue() instanceof TorchStateDict.ParamEntry p) {
                TorchTensor t = tensors.get(prefix + e.getKey());
                NDArray a = p.parameter().getArray();
                try (NDManager tmp = a.getManager().newSubManager()) {
                    KernelMemory.assign(a, tmp.create(t.floats(), a.getShape()));
                }
            }
        }
    }

    private static void checkFloat(String key, TorchTensor t, Shape expected) {
        if (t.dtype() != TorchTensor.DType.F32) {
            throw new IllegalArgumentException("key " + key + " has dtype " + t.dtype()
                    + ", expected F32 (convert with .float() or .astype(np.float32))");
        }
        if (!Arrays.equals(t.shape(), expected.getShape())) {
            throw new IllegalArgumentException("key " + key + " has shape "
                    + Arrays.toString(t.shape()) + " in the file but "
                    + Arrays.toString(expected.getShape()) + " in the layer");
        }
    }

}
