package io.fadconv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.fadconv.nn.AffineFoldable;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A {@link SegmentationModel} for inference with the BatchNorm of every conv-BN unit
 * ({@link ConvBnAct}) folded into its convolution, so that each pair runs as one convolution:
 * per output channel {@code W' = W gamma / sqrt(var + eps)} and
 * {@code b' = (b - mean) gamma / sqrt(var + eps) + beta}. Static convolutions get their folded
 * weights once; dynamic ones fold into every expert (FADConv, DYConv, ODConv and their FAT
 * versions) or scale each sample's assembled kernel at run time (KernelWarehouse, whose cells
 * are shared with other layers); see each type's {@link AffineFoldable#foldAffine}. The outputs
 * equal the model's inference-mode outputs up to float32 rounding.
 *
 * <p>Nothing of the model changes: its training pass, its files and its state_dict stay as they
 * are, and it may be trained while this object exists. The folded weights follow the model's
 * {@link SegmentationModel#weightsVersion() weights version}: they are computed again before the
 * first forward pass after {@code load}, {@code loadTorch}, {@code initialize}, a training-mode
 * forward pass or {@link SegmentationModel#markWeightsChanged()}, so a stale fold is never used.
 * Closing frees the folded weights (the model stays usable). Not for use while the model trains
 * on another thread.
 */
public final class FoldedModel implements AutoCloseable {

    private final SegmentationModel model;
    private final NDManager parent;
    private Snapshot snapshot;
    private boolean closed;

    /** Folded units computed from one version of the weights, in their own manager. */
    private record Snapshot(long version, NDManager manager,
            Map<ConvBnAct, AffineFoldable.Folded> folds) {}

    FoldedModel(SegmentationModel model, NDManager parent) {
        this.model = model;
        this.parent = parent;
        current();
    }

    /**
     * The logits of a batch in inference mode, the BatchNorms folded.
     *
     * @param x the input {@code [B, inChannels, H, W]}
     * @return {@code [B, classes, H, W]}, in {@code x}'s manager
     */
    public NDArray logits(NDArray x) {
        return model.logits(new Store(x.getManager(), current().folds()), x, false);
    }

    /** @return the model the folds are made from */
    public SegmentationModel model() {
        return model;
    }

    /**
     * Folds again now if the model's weights changed since the last fold (the next
     * {@link #logits} would do it), so that a timed pass does not include the fold.
     */
    public void refresh() {
        current();
    }

    /** @return how many conv-BN units run folded (all of them, for this project's types) */
    public int foldedUnits() {
        return current().folds().size();
    }

    private synchronized Snapshot current() {
        if (closed) {
            throw new IllegalStateException("this FoldedModel is closed; fold the model again");
        }
        long version = model.weightsVersion();
        if (snapshot == null || snapshot.version() != version) {
            if (snapshot != null) {
                snapshot.manager().close();
            }
            NDManager m = parent.newSubManager();
            Map<ConvBnAct, AffineFoldable.Folded> folds = new IdentityHashMap<>();
            collect(model, m, folds);
            snapshot = new Snapshot(version, m, Collections.unmodifiableMap(folds));
        }
        return snapshot;
    }

    private static void collect(Block block, NDManager m,
            Map<ConvBnAct, AffineFoldable.Folded> folds) {
        for (Block child : block.getChildren().values()) {
            if (child instanceof ConvBnAct unit) {
                AffineFoldable.Folded f = unit.fold(m);
                if (f != null) {
                    folds.put(unit, f);
                }
            } else {
                collect(child, m, folds);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (!closed && snapshot != null) {
            snapshot.manager().close();
        }
        closed = true;
        snapshot = null;
    }

    /** The parameter store of a folded pass: tells each unit its folded convolution. */
    static final class Store extends ParameterStore {
        private final Map<ConvBnAct, AffineFoldable.Folded> folds;

        Store(NDManager manager, Map<ConvBnAct, AffineFoldable.Folded> folds) {
            super(manager, false);
            this.folds = folds;
        }

        /**
         * The folded convolution of a unit.
         *
         * @param unit the unit
         * @return its folded convolution, or null to run it unfolded
         */
        AffineFoldable.Folded folded(ConvBnAct unit) {
            return folds.get(unit);
        }
    }
}
