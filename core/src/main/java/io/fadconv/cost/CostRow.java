package io.fadconv.cost;

import java.util.Locale;
import java.util.Map;

/**
 * One row of a cost table in the paper's format: a network with one convolution type at one input
 * size, for one sample.
 *
 * @param model the model name
 * @param conv the convolution spec
 * @param height input height
 * @param width input width
 * @param params trainable parameters
 * @param classifierParams parameters of the unused ImageNet classifier of the encoder's
 *     torchvision model, which the paper's Params column includes
 * @param madds multiply-adds as the paper counts them ({@link CostReport#madds()})
 * @param extra {@code madds} minus the static baseline's
 * @param eq5Extra the extra multiply-adds the paper's Eq. 5 gives for the same layers
 * @param extraByPart {@code extra} by part as implemented (aggregation, dct, attention, ...)
 * @param eq5ByTerm {@code eq5Extra} by term (dct, fat, dynamic_kernel)
 */
public record CostRow(String model, String conv, int height, int width, long params,
        long classifierParams, long madds, long extra, long eq5Extra,
        Map<String, Long> extraByPart, Map<String, Long> eq5ByTerm) {

    /** @return e.g. {@code 44.07M} */
    public String paramsText() {
        return millions(params);
    }

    /** @return parameters with the ImageNet classifier, e.g. {@code 44.58M} */
    public String paramsWithClassifierText() {
        return millions(params + classifierParams);
    }

    /** @return e.g. {@code 50.68G} */
    public String maddsText() {
        return String.format(Locale.ROOT, "%.2fG", madds / 1e9);
    }

    /** @return e.g. {@code +58.87M}, {@code +1.04G}, or {@code -} for the baseline */
    public String extraText() {
        return conv.equals("static") ? "-" : signed(extra);
    }

    /** @return Eq. 5's extra in the same format; {@code n/a} for layers Eq. 5 does not describe */
    public String eq5Text() {
        if (conv.equals("static")) {
            return "-";
        }
        return eq5ByTerm.isEmpty() ? "n/a" : signed(eq5Extra);
    }

    /**
     * Formats a count in millions.
     *
     * @param n the count
     * @return e.g. {@code 17.97M}
     */
    public static String millions(long n) {
        return String.format(Locale.ROOT, "%.2fM", n / 1e6);
    }

    /**
     * Formats an increment as the paper's MAdds column does.
     *
     * @param n the increment
     * @return {@code +X.XXM} below a billion, {@code +X.XXG} above
     */
    public static String signed(long n) {
        String sign = n < 0 ? "-" : "+";
        long a = Math.abs(n);
        return a >= 1_000_000_000L ? String.format(Locale.ROOT, "%s%.2fG", sign, a / 1e9)
                : String.format(Locale.ROOT, "%s%.2fM", sign, a / 1e6);
    }
}
