package io.fadconv.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The warehouses of one network, by name, in creation order (the official
 * {@code Warehouse_Manager}). A network built with a {@link ConvContext} has one manager,
 * {@link KernelWarehouse#manager(ConvContext)}, and one warehouse per scope. Its tensors belong
 * to the network's state_dict under {@code warehouse_manager.weights.<index>}: a model that
 * contains KernelWarehouse layers adds them with
 * {@code manager.torchState(prefix + "warehouse_manager.", dict)} in its own
 * {@link TorchModule#torchState}, as the official {@code KW_ResNet} registers its manager.
 */
public final class WarehouseManager implements TorchModule {

    private final Map<String, Warehouse> warehouses = new LinkedHashMap<>();

    /**
     * The warehouse of a name, created with {@code config} on first request.
     *
     * @param name the warehouse name (a scope)
     * @param config the settings
     * @return the warehouse
     * @throws IllegalArgumentException if it exists with other settings
     */
    public synchronized Warehouse warehouse(String name, Warehouse.Config config) {
        Warehouse w = warehouses.get(name);
        if (w == null) {
            w = new Warehouse(name, warehouses.size(), config);
            warehouses.put(name, w);
        } else if (!w.config().equals(config)) {
            throw new IllegalArgumentException("KernelWarehouse: warehouse '" + name
                    + "' was created with " + w.config() + ", a layer asks for " + config
                    + "; use one budget per scope");
        }
        return w;
    }

    /** @return the warehouses in index order */
    public synchronized List<Warehouse> warehouses() {
        return Collections.unmodifiableList(new ArrayList<>(warehouses.values()));
    }

    /**
     * Adds {@code prefix + "weights." + index} for every warehouse (sealed ones only hold data;
     * an unsealed warehouse is an error).
     */
    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        for (Warehouse w : warehouses()) {
            if (!w.isSealed() || !w.cells().isInitialized()) {
                throw new IllegalStateException("KernelWarehouse: warehouse '" + w.name()
                        + "' is not initialised; initialise the model first");
            }
            dict.parameter(prefix + "weights." + w.index(), w.cells());
        }
    }

    /**
     * Trainable values in all warehouses.
     *
     * @return the total cell count times the cell size
     */
    public long parameterCount() {
        long n = 0;
        for (Warehouse w : warehouses()) {
            n += w.cells().getArray().size();
        }
        return n;
    }
}
