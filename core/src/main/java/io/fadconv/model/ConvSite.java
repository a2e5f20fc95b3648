package io.fadconv.model;

import ai.djl.nn.Block;
import io.fadconv.nn.ConvGeometry;

/**
 * One convolution of a built model: where it is, what it does, its geometry and what it was built
 * as. {@link SegmentationModel#convs()} lists them in build order.
 *
 * @param key the PyTorch state_dict prefix of the convolution ({@code encoder.layer1.0.conv1})
 * @param scope the context scope it was built in ({@code encoder.layer1})
 * @param role its role
 * @param geometry its geometry
 * @param type the spec it was built from ({@code static} when the policy keeps it static)
 * @param block the block
 */
public record ConvSite(String key, String scope, ConvRole role, ConvGeometry geometry,
        String type, Block block) {

    /** @return whether the convolution was built from the model's (dynamic) spec */
    public boolean replaced() {
        return !type.equals("static");
    }
}
