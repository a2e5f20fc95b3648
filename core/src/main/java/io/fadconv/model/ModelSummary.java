package io.fadconv.model;

import java.util.List;
import java.util.Locale;

/**
 * What a model is made of: encoder, decoder, the replacement policy, and every convolution with
 * its key, scope, role, geometry and type. {@link #toString()} is a fixed-width table.
 *
 * @param spec the model spec
 * @param encoder the encoder description
 * @param decoder the decoder description
 * @param inputMultiple the multiple input sizes must be
 * @param replacedRoles the roles built from the spec, as the {@code replace} option writes them
 * @param convs every convolution
 */
public record ModelSummary(ModelSpec spec, String encoder, String decoder, int inputMultiple,
        String replacedRoles, List<ConvSite> convs) {

    ModelSummary(SegmentationModel m) {
        this(m.spec(), m.encoder().describe(), m.decoder().describe(), m.inputMultiple(),
                ConvRole.format(m.replacedRoles()), m.convs());
    }

    /** @return how many convolutions were built from the spec */
    public long replacedCount() {
        return convs.stream().filter(ConvSite::replaced).count();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(spec).append('\n');
        sb.append("encoder: ").append(encoder).append("; decoder: ").append(decoder)
                .append("; input sizes: multiples of ").append(inputMultiple).append('\n');
        sb.append("replaced roles: ").append(replacedRoles).append(" -> ").append(replacedCount())
                .append(" of ").append(convs.size()).append(" convolutions use ")
                .append(spec.conv()).append('\n');
        int keyWidth = convs.stream().mapToInt(c -> c.key().length()).max().orElse(3);
        int scopeWidth = convs.stream().mapToInt(c -> c.scope().length()).max().orElse(5);
        String fmt = "%-" + keyWidth + "s  %-" + scopeWidth + "s  %-10s  %-32s  %s%n";
        sb.append(String.format(Locale.ROOT, fmt, "key", "scope", "role", "geometry", "type"));
        for (ConvSite c : convs) {
            sb.append(String.format(Locale.ROOT, fmt, c.key(), c.scope(), c.role().key(),
                    c.geometry(), c.type()));
        }
        return sb.toString();
    }
}
