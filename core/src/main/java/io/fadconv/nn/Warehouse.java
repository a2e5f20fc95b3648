package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One KernelWarehouse warehouse (Li & Yao, ICML 2024; official {@code OSVAI/KernelWarehouse
 * modules/kernel_warehouse.py}, {@code Warehouse_Manager}): the kernel cells that every
 * {@link KernelWarehouse} layer reserved in it share. Each layer cuts its kernel
 * {@code [O, C/g, kh, kw]} into {@code L = (O / co) (C/g / ci) kh kw} cells of
 * {@code [co, ci, 1, 1]} and builds every cell of its kernel as an attention-weighted sum of all
 * {@code M} cells of the warehouse.
 *
 * <p>Life cycle, as in the official code: layers {@link #reserve} their kernel shapes when they
 * are built; the first layer initialised {@link #seal seals} the warehouse, which fixes the cell
 * shape ({@code co} = gcd of the layers' output channels times the cell ratio, {@code ci} the same
 * for input channels), the cell count {@code M = max(int(b * sum L), 1)} for budget b, and each
 * layer's initial one-hot assignment; no layer may be reserved after that. The cells are one
 * {@link Parameter} {@code [M, co, ci, 1, 1]} that every layer of the warehouse holds; in a
 * model's state_dict it is {@code warehouse_manager.weights.<index>} (see
 * {@link WarehouseManager}).
 *
 * <p>Budgets: an integer {@code b >= 1} gives every cell of a layer its own {@code b} cells, the
 * first of them its initial assignment; {@code b = 1/n} makes n cells of a layer share a cell
 * (the others start on the zero cell), as in the official {@code init_temperature}.
 */
public final class Warehouse {

    /**
     * The settings of a warehouse.
     *
     * @param budget b, the cell count relative to the layers' kernels ({@code cell_num_ratio})
     * @param cellRatio the cell's share of the channel gcd ({@code cell_inplane_ratio} and
     *     {@code cell_outplane_ratio}; 1 for b >= 1 and 0.5 below in the published configs)
     */
    public record Config(double budget, double cellRatio) {

        /** Validates. */
        public Config {
            if (!validBudget(budget)) {
                throw new IllegalArgumentException("KernelWarehouse: budget b must be an integer "
                        + ">= 1 or 1/n for an integer n >= 2 (1/4, 1/2, 1, 2, 4, ...), got "
                        + budget);
            }
            if (!(cellRatio > 0 && cellRatio <= 1)) {
                throw new IllegalArgumentException(
                        "KernelWarehouse: cell ratio must be in (0, 1], got " + cellRatio);
            }
        }

        /**
         * The published configuration for a budget: cell ratio 1 for {@code b >= 1}, 0.5 below
         * ({@code configs/resnet18/kw*_resnet18.json}).
         *
         * @param budget b
         * @return the config
         */
        public static Config published(double budget) {
            return new Config(budget, budget >= 1 ? 1.0 : 0.5);
        }
    }

    /**
     * Whether a budget is one the published assignment supports.
     *
     * @param b the budget
     * @return true for integers >= 1 and 1/n, n >= 2 an integer
     */
    public static boolean validBudget(double b) {
        if (!(b > 0) || Double.isInfinite(b)) {
            return false;
        }
        if (b >= 1) {
            return b == Math.rint(b);
        }
        double n = 1 / b;
        return Math.abs(n - Math.rint(n)) < 1e-9;
    }

    /** One layer's place in the warehouse. */
    public static final class Slot {
        private final String layer;
        private final long outChannels;
        private final long inPerGroup;
        private final long kh;
        private final long kw;
        private long groupsOut;
        private long groupsIn;
        private int start;
        private int end;
        private float[] assignment;

        Slot(String layer, long outChannels, long inPerGroup, long kh, long kw) {
            this.layer = layer;
            this.outChannels = outChannels;
            this.inPerGroup = inPerGroup;
            this.kh = kh;
            this.kw = kw;
        }

        /** @return the layer's description */
        public String layer() {
            return layer;
        }

        /** @return the layer's output channels per cell row, {@code O / co} */
        public long groupsOut() {
            return groupsOut;
        }

        /** @return the layer's input channels per cell column, {@code (C/g) / ci} */
        public long groupsIn() {
            return groupsIn;
        }

        /** @return the kernel positions, {@code kh kw} (cells are 1x1) */
        public long groupsSpatial() {
            return kh * kw;
        }

        /** @return L, the cells of this layer's kernel */
        public long mixtures() {
            return groupsOut * groupsIn * kh * kw;
        }

        /** @return the first cell initially assigned to this layer */
        public int start() {
            return start;
        }

        /** @return one past the last cell initially assigned to this layer */
        public int end() {
            return end;
        }

        /**
         * The initial one-hot assignment ({@code temp_bias} in the official code), row-major
         * {@code [L, M + 1]}: row l has a single 1, at the cell mixture l starts from, or at
         * column M (the zero cell).
         *
         * @return a copy
         */
        public float[] assignment() {
            return assignment.clone();
        }
    }

    private final String name;
    private final int index;
    private final Config config;
    private final Parameter cells;
    private final List<Slot> slots = new ArrayList<>();
    private boolean sealed;
    private long cellOut;
    private long cellIn;
    private int cellCount;

    Warehouse(String name, int index, Config config) {
        this.name = name;
        this.index = index;
        this.config = config;
        cells = Parameter.builder().setName("warehouse_" + index).setType(Parameter.Type.WEIGHT)
                .build();
    }

    /**
     * A warehouse for layers that share with nobody else (a layer built on its own).
     *
     * @param config the settings
     * @return a warehouse named {@code default}, index 0
     */
    public static Warehouse standalone(Config config) {
        return new Warehouse("default", 0, config);
    }

    /** @return the name (a ConvContext scope) */
    public String name() {
        return name;
    }

    /** @return the index in its manager, the {@code N} of {@code warehouse_manager.weights.N} */
    public int index() {
        return index;
    }

    /** @return the settings */
    public Config config() {
        return config;
    }

    /** @return the shared cells parameter {@code [M, co, ci, 1, 1]} (shape set when sealed) */
    public Parameter cells() {
        return cells;
    }

    /** @return whether the cell layout is fixed */
    public synchronized boolean isSealed() {
        return sealed;
    }

    /** @return the layers' slots, in reservation order */
    public synchronized List<Slot> slots() {
        return Collections.unmodifiableList(new ArrayList<>(slots));
    }

    /**
     * Records a layer's kernel shape. Every layer of a warehouse must be reserved before any of
     * them is initialised.
     *
     * @param layer a description for messages
     * @param outChannels O
     * @param inPerGroup C / groups
     * @param kh kernel height
     * @param kw kernel width
     * @return the layer's slot
     * @throws IllegalStateException if the warehouse is sealed
     */
    public synchronized Slot reserve(String layer, long outChannels, long inPerGroup, long kh,
            long kw) {
        if (sealed) {
            throw new IllegalStateException("KernelWarehouse: warehouse '" + name + "' is "
                    + "already in use (it was sealed when its first layer was initialised); build "
                    + "every layer of a warehouse before initialising any of them");
        }
        Slot s = new Slot(layer, outChannels, inPerGroup, kh, kw);
        slots.add(s);
        return s;
    }

    /**
     * Fixes the cell layout (the official {@code store()} and {@code allocate()}); idempotent.
     *
     * @throws IllegalArgumentException if the budget cannot be laid out for these layers
     */
    public synchronized void seal() {
        if (sealed) {
            return;
        }
        if (slots.isEmpty()) {
            throw new IllegalStateException("KernelWarehouse: warehouse '" + name
                    + "' has no layers");
        }
        long outGcd = 0;
        long inGcd = 0;
        for (Slot s : slots) {
            outGcd = gcd(outGcd, s.outChannels);
            inGcd = gcd(inGcd, s.inPerGroup);
        }
        cellOut = Math.max((long) (outGcd * config.cellRatio()), 1);
        cellIn = Math.max((long) (inGcd * config.cellRatio()), 1);
        long total = 0;
        for (Slot s : slots) {
            if (s.outChannels % cellOut != 0 || s.inPerGroup % cellIn != 0) {
                throw new IllegalArgumentException("KernelWarehouse: warehouse '" + name
                        + "': cells of " + cellOut + "x" + cellIn + " channels do not tile layer "
                        + s.layer + " (" + s.outChannels + "x" + s.inPerGroup
                        + "); use cell ratio 1");
            }
            s.groupsOut = s.outChannels / cellOut;
            s.groupsIn = s.inPerGroup / cellIn;
            total += s.mixtures();
        }
        cellCount = (int) Math.max((long) (total * config.budget()), 1);
        int next = 0;
        for (Slot s : slots) {
            next = assign(s, next);
        }
        if (next != cellCount) {
            throw new IllegalArgumentException("KernelWarehouse: warehouse '" + name + "': budget "
                    + config.budget() + " assigns " + next + " of its " + cellCount
                    + " cells to layers (the published assignment needs them equal); use another"
                    + " budget or put these layers in a larger warehouse");
        }
        cells.setShape(new Shape(cellCount, cellOut, cellIn, 1, 1));
        cells.setInitializer(this::initialCells);
        sealed = true;
    }

    /** The official {@code init_temperature}: one-hot initial assignment of a layer's cells. */
    private int assign(Slot s, int start) {
        int l = (int) s.mixtures();
        int planes = cellCount + 1;
        s.assignment = new float[l * planes];
        s.start = start;
        double b = config.budget();
        if (b >= 1) {
            int perMixture = (int) b;
            for (int i = 0; i < l; i++) {
                s.assignment[i * planes + start] = 1f;
                start += perMixture;
            }
        } else {
            int mixturesPerCell = (int) Math.rint(1 / b);
            for (int i = 0; i < l; i++) {
                if (i % mixturesPerCell == (i / mixturesPerCell) % mixturesPerCell) {
                    s.assignment[i * planes + start] = 1f;
                    start++;
                } else {
                    s.assignment[i * planes + planes - 1] = 1f;
                }
            }
        }
        s.end = start;
        return start;
    }

    /**
     * The official {@code allocate()} initialisation: each layer's cells
     * {@code [start, end)} viewed as {@code [(end - start) co, ci, 1, 1]} get
     * {@code kaiming_normal_(mode='fan_out')}, i.e. N(0, 2 / ((end - start) co)).
     */
    private NDArray initialCells(NDManager manager, Shape shape, DataType dataType) {
        NDList parts = new NDList();
        for (Slot s : slots) {
            int n = s.end - s.start;
            if (n == 0) {
                continue;
            }
            float std = (float) Math.sqrt(2.0 / ((double) n * cellOut));
            parts.add(manager.randomNormal(0f, std, new Shape(n, cellOut, cellIn, 1, 1), dataType,
                    manager.getDevice()));
        }
        NDArray out = NDArrays.concat(parts, 0);
        parts.close();
        return out;
    }

    /** @return M, the number of cells (after sealing) */
    public synchronized int cellCount() {
        requireSealed();
        return cellCount;
    }

    /** @return {@code co}, the output channels of a cell (after sealing) */
    public synchronized long cellOut() {
        requireSealed();
        return cellOut;
    }

    /** @return {@code ci}, the input channels of a cell (after sealing) */
    public synchronized long cellIn() {
        requireSealed();
        return cellIn;
    }

    private void requireSealed() {
        if (!sealed) {
            throw new IllegalStateException("KernelWarehouse: warehouse '" + name
                    + "' is not sealed yet; initialise one of its layers first");
        }
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public String toString() {
        synchronized (this) {
            return "Warehouse(" + name + ", b=" + config.budget() + ", " + slots.size()
                    + " layers" + (sealed ? ", " + cellCount + " cells " + cellOut + "x" + cellIn
                            : "") + ")";
        }
    }
}
