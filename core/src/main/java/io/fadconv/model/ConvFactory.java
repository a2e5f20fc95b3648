package io.fadconv.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.initializer.Initializer;
import io.fadconv.nn.ConvContext;
import io.fadconv.nn.ConvGeometry;
import io.fadconv.nn.ConvSpec;
import io.fadconv.nn.Convs;
import io.fadconv.nn.TorchInit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Builds every convolution of one model and applies its replacement policy: a convolution whose
 * role is in {@link #dynamicRoles()} is built from the model's spec through
 * {@link Convs#create(ConvSpec, ConvGeometry, ConvContext)} (any registered type); every other one
 * is a static {@code Conv2d} with the initialiser of the reference model. One {@link ConvContext}
 * serves the whole model; {@link #scope(String)} sets its scope before each stage, and
 * {@link #conv(String, String, ConvRole, ConvGeometry, Initializer)} builds one convolution in
 * another scope (KernelWarehouse's hand-over of a stage's first convolutions to the previous
 * stage's warehouse). The scope names the KernelWarehouse warehouse a {@code kw}/{@code fkw}
 * convolution joins; other types ignore it. Every convolution built is recorded as a
 * {@link ConvSite}.
 */
public final class ConvFactory {

    private static final ConvSpec STATIC = ConvSpec.parse("static");

    private final ConvSpec spec;
    private final Set<ConvRole> dynamicRoles;
    private final ConvContext context = new ConvContext();
    private final List<ConvSite> sites = new ArrayList<>();

    /**
     * A factory.
     *
     * @param spec the spec of the replaced convolutions
     * @param dynamicRoles the roles built from {@code spec}
     */
    public ConvFactory(ConvSpec spec, Set<ConvRole> dynamicRoles) {
        this.spec = spec;
        this.dynamicRoles = dynamicRoles.isEmpty() ? EnumSet.noneOf(ConvRole.class)
                : EnumSet.copyOf(dynamicRoles);
    }

    /**
     * Sets the scope of the convolutions built next.
     *
     * @param scope e.g. {@code encoder.layer1}
     * @return this factory
     */
    public ConvFactory scope(String scope) {
        context.scope(scope);
        return this;
    }

    /** @return the scope of the convolutions built next */
    public String scope() {
        return context.scope();
    }

    /**
     * Builds one convolution in a given scope; the current scope stays as it was.
     *
     * @param key its PyTorch key prefix, without the trailing dot
     * @param scope the scope (the warehouse of a KernelWarehouse convolution)
     * @param role its role
     * @param geometry its geometry
     * @param staticInit the weight initialiser of the reference model, used when it stays static
     * @return the block, uninitialised
     */
    public Block conv(String key, String scope, ConvRole role, ConvGeometry geometry,
            Initializer staticInit) {
        String current = context.scope();
        context.scope(scope);
        try {
            return conv(key, role, geometry, staticInit);
        } finally {
            context.scope(current);
        }
    }

    /**
     * Builds one convolution in the current scope.
     *
     * @param key its PyTorch key prefix, without the trailing dot
     * @param role its role
     * @param geometry its geometry
     * @param staticInit the weight initialiser of the reference model, used when it stays static
     *     (a bias, if any, starts at 0)
     * @return the block, uninitialised
     */
    public Block conv(String key, ConvRole role, ConvGeometry geometry, Initializer staticInit) {
        boolean replace = !spec.isStatic() && dynamicRoles.contains(role);
        Block block;
        if (replace) {
            // Dynamic convolutions keep the initialisers of their own reference implementation.
            block = Convs.create(spec, geometry, context);
        } else {
            Conv2d conv = Convs.staticConv(geometry);
            conv.setInitializer(staticInit, Parameter.Type.WEIGHT);
            if (geometry.bias()) {
                conv.setInitializer(TorchInit.constant(0f), Parameter.Type.BIAS);
            }
            block = conv;
        }
        sites.add(new ConvSite(key, context.scope(), role, geometry,
                replace ? spec.toString() : STATIC.toString(), block));
        return block;
    }

    /** @return the spec of the replaced convolutions */
    public ConvSpec spec() {
        return spec;
    }

    /** @return the roles built from the spec */
    public Set<ConvRole> dynamicRoles() {
        return Collections.unmodifiableSet(dynamicRoles);
    }

    /** @return the shared context (scope, cross-layer objects) */
    public ConvContext context() {
        return context;
    }

    /** @return every convolution built so far, in build order */
    public List<ConvSite> sites() {
        return Collections.unmodifiableList(sites);
    }
}
