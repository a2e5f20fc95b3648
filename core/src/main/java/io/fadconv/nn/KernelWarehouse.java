package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A KernelWarehouse convolution (Li & Yao, ICML 2024), a drop-in replacement for {@code Conv2d},
 * following the official {@code OSVAI/KernelWarehouse modules/kernel_warehouse.py}
 * ({@code KWConv2d} and its {@code Attention}).
 *
 * <p>The layer's kernel is cut into L cells of {@code [co, ci, 1, 1]} (see {@link Warehouse});
 * each cell is assembled per sample from all M cells of the layer's warehouse, which several
 * layers share. The attention is {@code descriptor -> FC(C, hidden, no bias) -> BN1d -> ReLU ->
 * FC(hidden, L (M + 1))}, {@code hidden = max(int(C r), 16)}; each of the L rows of M + 1 values
 * (the last one a "zero cell") is normalised by the sum of its absolute values plus 0.001 (not a
 * softmax), blended with the initial one-hot assignment as {@code (1 - t) a + t onehot}, and its
 * zero-cell column dropped. The weight t (the {@link #getTemperature() temperature} here) is 0
 * in a freshly built layer, as in the official one ({@code temp_value = 0}); training starts it
 * at 1 and lowers it linearly to 0 over the first 20 epochs
 * ({@link TemperatureSchedule#kernelWarehouse}).
 * An optional bias {@code [O]} is added after the convolution, not mixed.
 *
 * <p>Sharing: a layer built with {@link Builder#optWarehouse} joins that warehouse; one built
 * without gets a warehouse of its own and carries it in its state_dict as
 * {@code warehouse_manager.weights.0}. In a network, {@link Convs#create(ConvSpec, ConvGeometry,
 * ConvContext)} takes the warehouse named by the context's scope from the context's
 * {@link #manager(ConvContext) manager}. Layer keys are the official ones: {@code bias},
 * {@code attention.fc1.weight}, {@code attention.norm1.*}, {@code attention.fc2.weight|bias}
 * (for FKW also {@code attention.fusion.*}, {@code attention.dct.dct_matrix}). Every layer of a
 * warehouse holds its cells as a direct parameter (DJL has no other way to reach a parameter a
 * block does not own), so {@code getParameters()} lists them once per layer: count with
 * {@link Layers#trainableParameters} and update by parameter id, as DJL's {@code ParameterStore}
 * does. In DJL's file format ({@link #saveParameters}) only the warehouse's first layer writes
 * them. Not implemented:
 * the official {@code nonlocal_basis_ratio < 1} option (only the ResNet50 1/2x config uses it)
 * and {@code spatial_partition=False} (no published ResNet config uses it).
 */
public final class KernelWarehouse extends AbstractDynamicConv
        implements TorchModule, Costed, AttentionPath, AffineFoldable {

    /** The smallest hidden width of the attention, as published. */
    public static final int MIN_HIDDEN = 16;
    /** Added to the absolute sum before normalising, as published. */
    public static final float NORM_EPS = 1e-3f;

    private static final byte VERSION = 1;
    private static final AttentionTrunk.Names NAMES =
            new AttentionTrunk.Names("fc1", "norm1", false);
    private static final String MANAGER_KEY = "kernel-warehouse.manager";

    private final Warehouse warehouse;
    private final Warehouse.Slot slot;
    private final boolean ownsWarehouse;
    private final double reduction;
    private final float initialAssignment;
    private final int annealEpochs;
    private final long declaredInChannels;
    private final FrequencyAttention descriptor;
    private final AttentionTrunk trunk;
    private final Parameter cellsParam;
    private final Parameter biasParam;
    private Linear fc2;
    private NDArray assignment;

    private KernelWarehouse(Builder b, Warehouse warehouse, boolean owns) {
        super(VERSION, "KernelWarehouse", b);
        this.warehouse = warehouse;
        this.ownsWarehouse = owns;
        reduction = b.reduction;
        initialAssignment = b.annealFrom;
        temperature = b.assignment;
        annealEpochs = b.annealEpochs;
        declaredInChannels = b.inChannels;
        slot = warehouse.reserve("KernelWarehouse(" + b.inChannels + "->" + b.filters + " "
                + b.kernelShape.get(0) + "x" + b.kernelShape.get(1) + ")", b.filters,
                b.inChannels / b.groups, b.kernelShape.get(0), b.kernelShape.get(1));
        descriptor = b.descriptor.build();
        trunk = addChildBlock("attention", new AttentionTrunk(descriptor,
                hidden(b.inChannels, reduction), true, NAMES));
        cellsParam = addParameter(warehouse.cells());
        biasParam = addBiasIfIncluded();
    }

    /**
     * A builder with the published defaults (budget 4, r = 0.0625, GAP): assignment weight 0, as
     * the official layer is constructed, and training's annealing from 1 to 0 over 20 epochs
     * ({@link AttentionConvBuilder#optAnnealFrom}).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The warehouse manager of a network's context, created on first use.
     *
     * @param context the context
     * @return its manager
     */
    public static WarehouseManager manager(ConvContext context) {
        return context.shared(MANAGER_KEY, WarehouseManager.class, k -> new WarehouseManager());
    }

    /**
     * The attention's hidden width, as published.
     *
     * @param c input channels
     * @param reduction r
     * @return {@code max(int(c * r), 16)}
     */
    public static long hidden(long c, double reduction) {
        return Math.max((long) (c * reduction), MIN_HIDDEN);
    }

    @Override
    protected void prepare(Shape[] inputs) {
        super.prepare(inputs);
        if (inChannels != declaredInChannels) {
            throw new IllegalArgumentException("KernelWarehouse: built for " + declaredInChannels
                    + " input channels, got input " + inputs[0]);
        }
        warehouse.seal();
        if (fc2 == null) {
            fc2 = addChildBlock("fc2", Layers.linear(slot.mixtures() * (warehouse.cellCount() + 1),
                    true));
        }
        if (biasParam != null) {
            biasParam.setShape(new Shape(filters));
            // Set here so a caller's blanket setInitializer cannot replace the published zeros.
            biasParam.setInitializer(TorchInit.constant(0f));
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        trunk.initialize(manager, dataType, inputs[0]);
        AttentionTrunk.initializeHead(fc2, manager, dataType,
                new Shape(inputs[0].get(0), trunk.hidden()));
        if (assignment == null) {
            assignment = manager.create(slot.assignment(),
                    new Shape(slot.mixtures(), warehouse.cellCount() + 1));
        }
    }

    /**
     * The attention of every cell of this layer's kernel over the warehouse's cells, one row per
     * sample and kernel cell: {@code [B L, M]}.
     *
     * @param ps the parameter store
     * @param x the input
     * @param training whether this is a training pass
     * @return the attention
     */
    public NDArray cellAttention(ParameterStore ps, NDArray x, boolean training) {
        long b = x.getShape().get(0);
        long l = slot.mixtures();
        int m = warehouse.cellCount();
        NDArray h = trunk.forward(ps, new NDList(x), training).singletonOrThrow();
        NDArray z = fc2.forward(ps, new NDList(h), training).singletonOrThrow()
                .reshape(b * l, m + 1);
        z = z.div(z.abs().sum(new int[] {1}, true).add(NORM_EPS));
        float t = temperature;
        if (t != 0f) {
            // t first, so the product lives in this pass's manager, not the layer's.
            NDArray oneHot = z.getManager().create(t).mul(assignment);
            z = Layers.scale(z.reshape(b, l, m + 1), 1f - t).add(oneHot).reshape(b * l, m + 1);
        }
        return z.get(new NDIndex(":, :{}", m));
    }

    /** The cell attention as {@code [B, L, M]}. */
    @Override
    public NDArray attentionPath(ParameterStore ps, NDArray x, boolean training) {
        return cellAttention(ps, x, training)
                .reshape(x.getShape().get(0), slot.mixtures(), warehouse.cellCount());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray y = DynamicConv2d.conv2d(x, kernels(ps, x, training), null, stride, padding,
                dilation, groups);
        if (biasParam != null) {
            y = y.add(ps.getValue(biasParam, x.getDevice(), training).reshape(1, filters, 1, 1));
        }
        return new NDList(y);
    }

    /** Each sample's kernel {@code [B, O, C / groups, kh, kw]}, assembled from the cells. */
    private NDArray kernels(ParameterStore ps, NDArray x, boolean training) {
        long b = x.getShape().get(0);
        NDArray a = cellAttention(ps, x, training);
        NDArray cells = ps.getValue(cellsParam, x.getDevice(), training);
        long co = warehouse.cellOut();
        long ci = warehouse.cellIn();
        // [B L, M] x [M, co ci]; L runs over (kernel position, output group, input group).
        return a.matMul(Layers.reshapeFor(cells, x, new Shape(warehouse.cellCount(), co * ci)))
                .reshape(b, slot.groupsSpatial(), slot.groupsOut(), slot.groupsIn(), co, ci)
                .transpose(0, 2, 4, 3, 5, 1)
                .reshape(b, filters, inChannels / groups, kernelShape.get(0), kernelShape.get(1));
    }

    /**
     * The cells are shared with other layers, so the scale cannot go into them: each sample's
     * assembled kernel is scaled per output channel at run time, and the bias becomes
     * {@code b * scale + shift}. Where the kernels are larger than the output (deep, small maps)
     * the output is scaled instead, which costs what the BatchNorm did.
     */
    @Override
    public Folded foldAffine(ChannelAffine affine, NDManager manager) {
        NDArray bias = affine.foldedBias(biasParam == null ? null : biasParam.getArray(), manager);
        NDArray scale = affine.scale();
        return (ps, x) -> {
            NDArray kernels = kernels(ps, x, false);
            if (kernelSize(inChannels) / filters <= outputPixels(x.getShape())) {
                kernels = kernels.mul(Layers.reshapeFor(scale, x, new Shape(1, filters, 1, 1, 1)));
                return DynamicConv2d.conv2d(x, kernels, ChannelAffine.perSample(bias, x), stride,
                        padding, dilation, groups);
            }
            NDArray y = DynamicConv2d.conv2d(x, kernels, null, stride, padding, dilation, groups);
            Shape channels = new Shape(1, filters, 1, 1);
            return y.mul(Layers.reshapeFor(scale, x, channels))
                    .add(Layers.reshapeFor(bias, x, channels));
        };
    }

    /**
     * Sets the weight of the initial one-hot assignment.
     *
     * @param t a weight in [0, 1]
     */
    @Override
    public void setTemperature(float t) {
        if (!(t >= 0 && t <= 1)) {
            throw new IllegalArgumentException(
                    "KernelWarehouse: assignment weight (temperature) must be in [0, 1], got " + t);
        }
        temperature = t;
    }

    @Override
    public Optional<TemperatureSchedule> schedule() {
        return Optional.of(TemperatureSchedule.kernelWarehouse(initialAssignment, annealEpochs));
    }

    /** @return M, the cells of this layer's warehouse (the "kernels" KW mixes); seals it */
    @Override
    public int getExperts() {
        warehouse.seal();
        return warehouse.cellCount();
    }

    /** @return the warehouse this layer draws its cells from */
    public Warehouse getWarehouse() {
        return warehouse;
    }

    /** @return this layer's place in the warehouse */
    public Warehouse.Slot getSlot() {
        return slot;
    }

    /** @return whether the warehouse is this layer's own (and in its state_dict) */
    public boolean ownsWarehouse() {
        return ownsWarehouse;
    }

    /** @return the reduction r */
    public double getReduction() {
        return reduction;
    }

    /** @return the attention trunk */
    public AttentionTrunk getTrunk() {
        return trunk;
    }

    /**
     * Writes this layer as DJL's {@code AbstractBaseBlock} does, except that the shared cells are
     * written by the warehouse's first layer only; the others write DJL's marker of a parameter
     * without a value ({@code 'N'}), which {@link Parameter#load} skips, so a file holds and a
     * load decodes each warehouse once, whatever the order of the layers in it.
     */
    @Override
    public void saveParameters(DataOutputStream os) throws IOException {
        os.write(version);
        saveMetadata(os);
        boolean writesCells = ownsWarehouse || warehouse.slots().get(0) == slot;
        for (Parameter p : getDirectParameters().values()) {
            if (p == cellsParam && !writesCells) {
                os.writeChar('N');
            } else {
                p.save(os);
            }
        }
        for (Block child : getChildren().values()) {
            child.saveParameters(os);
        }
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        if (ownsWarehouse) {
            dict.parameter(prefix + "warehouse_manager.weights.0", cellsParam);
        }
        if (biasParam != null) {
            dict.parameter(prefix + "bias", biasParam);
        }
        trunk.torchState(prefix + "attention.", dict);
        trunk.headState(prefix + "attention.fc2.", fc2, dict);
    }

    /**
     * Multiply-adds of one sample (seals the warehouse): {@link #CONV}; {@link #AGGREGATION}
     * assembling the kernel from all M cells ({@code M kernel}, the reason KW costs most);
     * {@link #DCT} and {@link #ATTENTION} for the descriptor, trunk, {@code fc2}
     * ({@code hidden L (M + 1)}) and the normalisation ({@code L (M + 1)}).
     */
    @Override
    public Map<String, Long> madds(Shape input) {
        warehouse.seal();
        long c = input.get(1);
        long hid = hidden(c, reduction);
        long planes = slot.mixtures() * (warehouse.cellCount() + 1);
        Map<String, Long> t = AttentionTrunk.madds(descriptor, input, hid, true);
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(CONV, outputPixels(input) * kernelSize(c));
        m.put(AGGREGATION, (long) warehouse.cellCount() * kernelSize(c));
        m.put(DCT, t.get(DCT));
        m.put(ATTENTION, t.get(ATTENTION) + hid * planes + planes);
        return m;
    }

    /**
     * Eq. 5's terms read for KW: the descriptor's DCT (0 for GAP), the attention networks
     * ({@code C hidden + hidden L (M + 1)}) and the kernel assembly ({@code M kernel}).
     */
    @Override
    public Map<String, Long> paperEq5(Shape input) {
        warehouse.seal();
        long c = input.get(1);
        long hid = hidden(c, reduction);
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("dct", descriptor.paperDctMadds(c));
        m.put("fat", c * hid + hid * slot.mixtures() * (warehouse.cellCount() + 1));
        m.put("dynamic_kernel", (long) warehouse.cellCount() * kernelSize(c));
        return m;
    }

    @Override
    public String toString() {
        return "KernelWarehouse(" + geometry() + ", " + warehouse + ", r=" + reduction + ", "
                + descriptor + ", t=" + temperature + (includeBias ? ", bias" : "") + ")";
    }

    /** Builds a {@link KernelWarehouse}; defaults are the published ones. */
    public static final class Builder extends AttentionConvBuilder<Builder> {
        long inChannels = -1;
        double budget = 4;
        boolean budgetSet;
        double cellRatio = Double.NaN;
        float assignment = 0f;
        Warehouse warehouse;

        Builder() {
            super(20, 1f);
        }

        /**
         * Sets the input channels. Required: the warehouse lays out its cells from every layer's
         * shape before any layer sees an input.
         *
         * @param inChannels C
         * @return this builder
         */
        public Builder setInChannels(long inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /**
         * Sets the budget b of a warehouse of the layer's own ({@code cell_num_ratio}): 1/4,
         * 1/2, 1, 2, 4, ... Default 4 (the paper's KW 4x). Must match the warehouse's when
         * {@link #optWarehouse} is set.
         *
         * @param budget b
         * @return this builder
         */
        public Builder optBudget(double budget) {
            this.budget = budget;
            this.budgetSet = true;
            return this;
        }

        /**
         * Sets the cell ratio of a warehouse of the layer's own. Default as published: 1 for
         * b >= 1, 0.5 below.
         *
         * @param cellRatio in (0, 1]
         * @return this builder
         */
        public Builder optCellRatio(double cellRatio) {
            this.cellRatio = cellRatio;
            return this;
        }

        /**
         * Shares a warehouse with other layers. Default: a warehouse of this layer's own.
         *
         * @param warehouse the warehouse (see {@link WarehouseManager#warehouse})
         * @return this builder
         */
        public Builder optWarehouse(Warehouse warehouse) {
            this.warehouse = warehouse;
            return this;
        }

        /**
         * Sets the weight of the one-hot cell assignment the built layer computes with. Default
         * 0, as the official {@code Attention} is constructed ({@code temp_value = 0}) and as a
         * trained layer runs; training anneals it from {@link #optAnnealFrom} (1).
         *
         * @param weight in [0, 1]
         * @return this builder
         */
        @Override
        public Builder optTemperature(float weight) {
            this.assignment = weight;
            return this;
        }

        /**
         * Not available: KernelWarehouse has no expert kernels; its size is the budget.
         *
         * @param experts ignored
         * @return never
         * @throws IllegalArgumentException always
         */
        @Override
        public Builder optExperts(int experts) {
            throw new IllegalArgumentException(
                    "KernelWarehouse has no expert count; set its parameter budget with optBudget");
        }

        /**
         * Validates and builds, reserving the layer's cells in its warehouse.
         *
         * @return the block
         * @throws IllegalArgumentException naming the bad field and the allowed values
         */
        public KernelWarehouse build() {
            validate("KernelWarehouse");
            Layers.requireAtLeast("KernelWarehouse", "inChannels", inChannels, 1);
            if (inChannels % groups != 0) {
                throw new IllegalArgumentException("KernelWarehouse: inChannels (" + inChannels
                        + ") must be divisible by groups (" + groups + ")");
            }
            if (!(assignment >= 0 && assignment <= 1)) {
                throw new IllegalArgumentException("KernelWarehouse: assignment weight "
                        + "(temperature) must be in [0, 1], got " + assignment);
            }
            if (!(annealFrom <= 1)) {
                throw new IllegalArgumentException("KernelWarehouse: annealFrom (the assignment "
                        + "weight training starts from) must be in [0, 1], got " + annealFrom);
            }
            Warehouse.Config own = Double.isNaN(cellRatio) ? Warehouse.Config.published(budget)
                    : new Warehouse.Config(budget, cellRatio);
            if (warehouse == null) {
                return new KernelWarehouse(this, Warehouse.standalone(own), true);
            }
            if ((budgetSet || !Double.isNaN(cellRatio)) && !own.equals(warehouse.config())) {
                throw new IllegalArgumentException("KernelWarehouse: budget " + own
                        + " differs from the shared warehouse's " + warehouse.config());
            }
            return new KernelWarehouse(this, warehouse, false);
        }
    }
}
