package io.fadconv.nn;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What the convolutions of one network share while it is being built: the scope (stage) the next
 * convolutions belong to, and objects shared across layers (KernelWarehouse's warehouses are
 * shared by all layers of a stage). A model creates one context, sets the scope before building
 * each stage and passes the context to {@link Convs#create(ConvSpec, ConvGeometry, ConvContext)}.
 */
public final class ConvContext {

    private final Map<String, Object> shared = new ConcurrentHashMap<>();
    private final boolean standalone;
    private volatile String scope = "default";

    /** A context for the convolutions of one network. */
    public ConvContext() {
        this(false);
    }

    private ConvContext(boolean standalone) {
        this.standalone = standalone;
    }

    /**
     * A context for one layer built on its own ({@link Convs#create(ConvSpec, ConvGeometry)}):
     * the layer owns what it would otherwise share (a KernelWarehouse layer gets a warehouse of
     * its own and carries it in its state_dict).
     *
     * @return a new context
     */
    public static ConvContext standalone() {
        return new ConvContext(true);
    }

    /** @return whether this context builds a single layer that shares nothing */
    public boolean isStandalone() {
        return standalone;
    }

    /**
     * Sets the scope of the convolutions created next (e.g. {@code encoder.layer1}).
     *
     * @param scope the scope name
     * @return this context
     */
    public ConvContext scope(String scope) {
        if (scope == null || scope.isBlank()) {
            throw new IllegalArgumentException("scope must be a non-empty name");
        }
        this.scope = scope;
        return this;
    }

    /** @return the current scope */
    public String scope() {
        return scope;
    }

    /**
     * The object shared under a key, created on first request.
     *
     * @param key the key (e.g. {@code "kw:" + scope})
     * @param type the expected type
     * @param create makes the object when absent
     * @param <T> the type
     * @return the shared object
     */
    public <T> T shared(String key, Class<T> type, Function<String, T> create) {
        return type.cast(shared.computeIfAbsent(key, create::apply));
    }
}
