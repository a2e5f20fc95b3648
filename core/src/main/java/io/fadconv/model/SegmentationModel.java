package io.fadconv.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.engine.KernelMemory;
import io.fadconv.model.decoder.Decoder;
import io.fadconv.model.encoder.Encoder;
import io.fadconv.nn.ConvContext;
import io.fadconv.nn.KernelWarehouse;
import io.fadconv.nn.TorchModule;
import io.fadconv.nn.TorchStateDict;
import io.fadconv.nn.TorchWeights;
import io.fadconv.nn.Warehouse;
import io.fadconv.nn.WarehouseManager;
import io.fadconv.util.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A segmentation network: encoder, decoder and segmentation head, as segmentation_models_pytorch
 * composes them. Input {@code [B, inChannels, H, W]} with H and W multiples of
 * {@link #inputMultiple()}; output logits {@code [B, classes, H, W]} (no softmax). PyTorch keys
 * {@code encoder.*}, {@code decoder.*}, {@code segmentation_head.*} (see {@link #torchState}),
 * and for KernelWarehouse convolutions {@code warehouse_manager.weights.<index>}.
 *
 * <p>Build with {@link Models#create(ModelSpec)}, then {@code initialize(manager,
 * DataType.FLOAT32, new Shape(1, inChannels, 64, 64))} (any valid size: parameters do not depend
 * on it), then {@link #logits}.
 */
public final class SegmentationModel extends TracedBlock implements TorchModule {

    private static final byte VERSION = 1;
    private static final String MAGIC = "fadconv-model/1";

    private final ModelSpec spec;
    private final Encoder encoder;
    private final Decoder decoder;
    private final SegmentationHead head;
    private final ConvFactory convs;
    private final int inputMultiple;
    private final AtomicLong weightsVersion = new AtomicLong();

    SegmentationModel(ModelSpec spec, Encoder encoder, Decoder decoder, SegmentationHead head,
            ConvFactory convs, int inputMultiple) {
        super(VERSION);
        this.spec = spec;
        this.encoder = addChildBlock("encoder", encoder);
        this.decoder = addChildBlock("decoder", decoder);
        this.head = addChildBlock("segmentation_head", head);
        this.convs = convs;
        this.inputMultiple = inputMultiple;
    }

    /**
     * The logits of a batch.
     *
     * @param ps the parameter store
     * @param x the input {@code [B, inChannels, H, W]}
     * @param training whether this is a training pass (BatchNorm statistics, dropout)
     * @return {@code [B, classes, H, W]}
     */
    public NDArray logits(ParameterStore ps, NDArray x, boolean training) {
        return forward(ps, new NDList(x), training).singletonOrThrow();
    }

    /**
     * This model for inference with every BatchNorm after a convolution folded into it (see
     * {@link FoldedModel}); the model itself is unchanged. Close it when done.
     *
     * @return the folded model
     * @throws IllegalStateException if the model is not initialised
     */
    public FoldedModel foldBatchNorm() {
        if (!isInitialized()) {
            throw new IllegalStateException("initialise the model (and load its weights) before "
                    + "folding it");
        }
        return new FoldedModel(this, getParameters().valueAt(0).getArray().getManager());
    }

    /**
     * A number that changes whenever the weights may have changed: at {@code initialize},
     * {@link #load}, {@link #loadTorch}, every training-mode forward pass (BatchNorm statistics)
     * and {@link #markWeightsChanged()}. Folded weights ({@link FoldedModel}) are computed again
     * when it changes.
     *
     * @return the version
     */
    public long weightsVersion() {
        return weightsVersion.get();
    }

    /**
     * Says that parameters were written directly (an optimiser step, a checkpoint restored into
     * the arrays), so that folded weights are computed again.
     */
    public void markWeightsChanged() {
        weightsVersion.incrementAndGet();
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        markWeightsChanged();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (training) {
            markWeightsChanged();
        }
        checkInput(inputs.singletonOrThrow().getShape());
        NDList features = encoder.forward(ps, inputs, training);
        NDList y = decoder.forward(ps, features, training);
        return head.forward(ps, y, training);
    }

    @Override
    public Shape[] trace(Tracer t, Shape[] inputs) {
        checkInput(inputs[0]);
        Shape[] features = t.child("encoder", encoder, inputs);
        Shape[] y = t.child("decoder", decoder, features);
        return t.child("segmentation_head", head, y);
    }

    /**
     * Checks an input shape.
     *
     * @param s the shape
     * @throws IllegalArgumentException saying what is wrong and which sizes are valid
     */
    public void checkInput(Shape s) {
        if (s.dimension() != 4) {
            throw new IllegalArgumentException(spec.name() + " expects input [B, C, H, W], got "
                    + s);
        }
        if (s.get(1) != spec.inChannels()) {
            throw new IllegalArgumentException(spec.name() + " was built for "
                    + spec.inChannels() + " input channels, got " + s.get(1) + " (shape " + s
                    + ")");
        }
        long h = s.get(2);
        long w = s.get(3);
        if (h < inputMultiple || w < inputMultiple || h % inputMultiple != 0
                || w % inputMultiple != 0) {
            throw new IllegalArgumentException(spec.name() + " needs height and width that are"
                    + " multiples of " + inputMultiple + ", got " + h + " x " + w + "; pad or crop"
                    + " to e.g. " + roundUp(h) + " x " + roundUp(w));
        }
    }

    private long roundUp(long v) {
        return Math.max(inputMultiple, (v + inputMultiple - 1) / inputMultiple * inputMultiple);
    }

    /** @return the spec the model was built from */
    public ModelSpec spec() {
        return spec;
    }

    /** @return the encoder */
    public Encoder encoder() {
        return encoder;
    }

    /** @return the decoder */
    public Decoder decoder() {
        return decoder;
    }

    /** @return the segmentation head */
    public SegmentationHead head() {
        return head;
    }

    /** @return the multiple input height and width must be */
    public int inputMultiple() {
        return inputMultiple;
    }

    /** @return every convolution, in build order, with role, geometry and type */
    public List<ConvSite> convs() {
        return convs.sites();
    }

    /** @return the roles whose convolutions were built from the spec */
    public Set<ConvRole> replacedRoles() {
        return convs.dynamicRoles();
    }

    /** @return the convolution context the model was built with (shared objects by scope) */
    public ConvContext convContext() {
        return convs.context();
    }

    /**
     * The KernelWarehouse warehouses of the model, in index order: one per scope that holds
     * {@code kw}/{@code fkw} convolutions (see {@link io.fadconv.model.encoder.ResNetEncoder},
     * {@link io.fadconv.model.encoder.MobileNetV2Encoder}); empty for other types.
     *
     * @return the warehouses
     */
    public List<Warehouse> warehouses() {
        return warehouseManager().warehouses();
    }

    private WarehouseManager warehouseManager() {
        return KernelWarehouse.manager(convs.context());
    }

    /** @return a summary listing every convolution */
    public ModelSummary summary() {
        return new ModelSummary(this);
    }

    /**
     * The PyTorch state_dict. KernelWarehouse cells are the model's, not a layer's: the official
     * {@code KW_ResNet} and {@code KW_MobileNetV2} register their {@code Warehouse_Manager} as the
     * network's {@code warehouse_manager} (first, keys {@code warehouse_manager.weights.<index>},
     * warehouses numbered by first use), and the layers refer to it without registering it. One
     * manager serves the whole model here too, so its keys sit at the model's root; the encoder's
     * layers keep their official keys under {@code encoder.} ({@code
     * encoder.layer1.0.conv1.attention.fc1.weight}).
     */
    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        if (!warehouses().isEmpty()) {
            warehouseManager().torchState(prefix + "warehouse_manager.", dict);
        }
        dict.child(prefix + "encoder.", encoder);
        dict.child(prefix + "decoder.", decoder);
        dict.child(prefix + "segmentation_head.", head);
    }

    // ------------------------------------------------------------------ files

    /**
     * Saves the parameters in DJL's format (atomically), after a header holding the spec, so a
     * file cannot be loaded into another network.
     *
     * @param file the file
     * @throws IOException on failure
     */
    public void save(Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeUTF(MAGIC);
            data.writeUTF(spec.resolvedString());
            saveParameters(data);
            data.flush();
        });
    }

    /**
     * Loads parameters saved by {@link #save} into this initialised model.
     *
     * @param manager the manager of the parameters
     * @param file the file
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a model file or holds another network
     */
    public void load(NDManager manager, Path file) throws IOException {
        io.fadconv.util.FilePaths.requireFile(file);
        try (DataInputStream in = new DataInputStream(
                new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            String magic;
            try {
                magic = in.readUTF();
            } catch (IOException e) {
                magic = "";
            }
            if (!magic.equals(MAGIC)) {
                throw new IllegalArgumentException(file + " is not a weights file written by "
                        + "fadconv (a run's best.params or last.params); PyTorch weights "
                        + "(.npz, .safetensors) load by their state_dict names instead");
            }
            String saved = in.readUTF();
            if (!saved.equals(spec.resolvedString())) {
                throw new IllegalArgumentException(file + " holds '" + saved
                        + "' but this model is '" + spec.resolvedString() + "'");
            }
            markWeightsChanged();
            loadParameters(manager, in);
            // DJL's Parameter.load swaps in a freshly decoded array, in plain order and without
            // the gradient flag that initialize() set; without it a loaded model would not train
            for (Parameter p : getParameters().values()) {
                KernelMemory.rearrange(p);
                if (p.requiresGradient()) {
                    p.getArray().setRequiresGradient(true);
                }
            }
        } catch (MalformedModelException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        } catch (EOFException | UTFDataFormatException e) {
            throw new IllegalArgumentException(file + ": truncated or corrupt weights file (it "
                    + "ends before all parameters are read); copy it again or train again", e);
        }
    }

    /**
     * Loads a whole model's weights from a PyTorch-named {@code .npz} or {@code .safetensors}
     * (keys as segmentation_models_pytorch names them), strictly.
     *
     * @param file the file
     * @throws IOException if it cannot be read
     */
    public void loadTorch(Path file) throws IOException {
        try {
            TorchWeights.load(this, file);
        } finally {
            markWeightsChanged();
        }
    }

    /**
     * Saves the weights under PyTorch names (atomically).
     *
     * @param file a {@code .npz} or {@code .safetensors} path
     * @throws IOException on failure
     */
    public void saveTorch(Path file) throws IOException {
        TorchWeights.save(this, file);
    }

    @Override
    public String toString() {
        return "SegmentationModel(" + spec + ")";
    }
}
