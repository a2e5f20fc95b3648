package io.fadconv.nn;

/**
 * The options the published attention-branch convolutions (ODConv, KernelWarehouse) share on top
 * of the convolution geometry: the reduction of the attention's hidden layer, the length of the
 * annealing, and where the per-channel descriptor comes from (GAP as published, or Frequency
 * Attention for the paper's FODConv and FKW).
 *
 * @param <T> the concrete builder type
 */
public abstract class AttentionConvBuilder<T extends AttentionConvBuilder<T>>
        extends DynamicConvBuilder<T> {

    double reduction = 0.0625;
    int annealEpochs;
    float annealFrom;
    FrequencyAttention.Builder descriptor =
            FrequencyAttention.builder().optMode(AttentionMode.GAP);

    /**
     * @param annealEpochs the published annealing length of the layer type
     * @param annealFrom the value the published training's annealing starts from
     */
    protected AttentionConvBuilder(int annealEpochs, float annealFrom) {
        this.annealEpochs = annealEpochs;
        this.annealFrom = annealFrom;
    }

    /**
     * Sets the reduction r: {@code max(int(C * r), 16)} hidden units. Default 0.0625.
     *
     * @param reduction r, in (0, 1]
     * @return this builder
     */
    public T optReduction(double reduction) {
        this.reduction = reduction;
        return self();
    }

    /**
     * Sets the epochs of the annealing (ODConv: temperature to 1, default 10; KernelWarehouse:
     * assignment weight to 0, default 20).
     *
     * @param epochs at least 1
     * @return this builder
     */
    public T optAnnealEpochs(int epochs) {
        this.annealEpochs = epochs;
        return self();
    }

    /**
     * Sets the value the training's annealing starts from (ODConv: temperature, default 30;
     * KernelWarehouse: assignment weight, default 1). Training sets it before its first step
     * ({@link Annealing#update}); a freshly built layer computes as the official module does
     * right after construction, with {@link #optTemperature}'s value (ODConv 1, KernelWarehouse
     * 0).
     *
     * @param value the start of the annealing, {@code >= 0}
     * @return this builder
     */
    public T optAnnealFrom(float value) {
        this.annealFrom = value;
        return self();
    }

    /**
     * Sets the descriptor source. Default GAP (as published); a FAT-mode
     * {@link FrequencyAttention} builder gives FODConv / FKW.
     *
     * @param descriptor the descriptor's builder
     * @return this builder
     */
    public T optDescriptor(FrequencyAttention.Builder descriptor) {
        this.descriptor = descriptor;
        return self();
    }

    /**
     * Validates the shared fields.
     *
     * @param owner the layer name for messages
     */
    @Override
    protected void validate(String owner) {
        super.validate(owner);
        if (!(reduction > 0 && reduction <= 1)) {
            throw new IllegalArgumentException(
                    owner + ": reduction must be in (0, 1], got " + reduction);
        }
        Layers.requireAtLeast(owner, "annealEpochs", annealEpochs, 1);
        if (!(annealFrom >= 0) || Float.isInfinite(annealFrom)) {
            throw new IllegalArgumentException(owner + ": annealFrom must be a finite number "
                    + ">= 0, got " + annealFrom);
        }
        if (descriptor == null) {
            throw new IllegalArgumentException(owner + ": descriptor must not be null");
        }
    }
}
