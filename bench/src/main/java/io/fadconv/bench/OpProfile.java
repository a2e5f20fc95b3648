package io.fadconv.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import io.fadconv.engine.NativeMemory;
import io.fadconv.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where a computation's time goes, op by op, as the engine itself records it: PyTorch's profiler
 * (started and stopped through DJL) writes every ATen op it ran with its start and duration; an
 * op's self time is its duration less that of the ops it called, which nest inside it on the same
 * thread. The profiler adds a few microseconds per op, so the sum of self times is a little above
 * the same work unprofiled; compare the columns of one run.
 */
public final class OpProfile {

    /**
     * One op's share of a pass.
     *
     * @param name the ATen op, e.g. {@code aten::mkldnn_convolution}
     * @param calls calls per pass
     * @param selfMs self time per pass, in milliseconds
     */
    public record Op(String name, double calls, double selfMs) {}

    /**
     * A computation's ops, and the fresh pages it touched with the profiler on and off. The
     * profiler keeps its records in the process's heap while it runs, so large arrays allocated
     * meanwhile can land in memory the process has not touched yet: on the AMD EPYC KVM guest a
     * resnet18-unet FADConv training pass faulted 22,771 pages profiled against about 710 without
     * (AMD EPYC), at about 9 microseconds each, and one 512-channel weight-gradient product took
     * 149 ms there against 17 ms for the same product two layers on. Where the first count is far
     * above the second, the ops that write large new arrays are charged for it.
     *
     * @param ops each op's self time per pass, the longest first
     * @param faultsPerPass minor page faults per profiled pass (-1 where they cannot be read)
     * @param unprofiledFaultsPerPass minor page faults per pass without the profiler (-1 where
     *     they cannot be read)
     */
    public record Profile(List<Op> ops, double faultsPerPass, double unprofiledFaultsPerPass) {

        /** The least excess of profiled over unprofiled faults per pass worth a warning. */
        static final double NOTABLE_FAULTS = 1000;

        /**
         * Whether the profiler made the passes fault notably more than they do without it: twice
         * as many and {@value #NOTABLE_FAULTS} more per pass (about 9 ms on the machine above).
         *
         * @return true when the profile overstates ops that allocate
         */
        public boolean profilerFaulted() {
            return unprofiledFaultsPerPass >= 0 && faultsPerPass > 2 * unprofiledFaultsPerPass
                    && faultsPerPass - unprofiledFaultsPerPass >= NOTABLE_FAULTS;
        }
    }

    private OpProfile() {}

    /**
     * Runs a pass a number of times without the profiler, counting its page faults, then as many
     * times under the engine's profiler, and returns each op's self time per pass, the longest
     * first, with both counts.
     *
     * @param passes how many times to run it each way (the times are divided by this)
     * @param pass the computation
     * @return the profile
     */
    public static Profile of(int passes, Runnable pass) {
        if (passes < 1) {
            throw new IllegalArgumentException("passes must be at least 1, got " + passes);
        }
        double unprofiledFaults = faultsPerPass(passes, pass);
        Path trace = null;
        try {
            trace = Files.createTempFile("fadconv-ops", ".json");
            long faults = NativeMemory.minorFaults();
            JniUtils.startProfile(false, false, false);
            try {
                for (int i = 0; i < passes; i++) {
                    pass.run();
                }
            } finally {
                JniUtils.stopProfile(trace.toString());
            }
            double profiledFaults = faults < 0 ? -1
                    : (double) (NativeMemory.minorFaults() - faults) / passes;
            return new Profile(selfTimes(Json.MAPPER.readTree(trace.toFile()), passes),
                    profiledFaults, unprofiledFaults);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the profiler's trace: " + e.getMessage(),
                    e);
        } finally {
            if (trace != null) {
                try {
                    Files.deleteIfExists(trace);
                } catch (IOException e) {
                    // a temporary file left behind; the result stands
                }
            }
        }
    }

    private static double faultsPerPass(int passes, Runnable pass) {
        long before = NativeMemory.minorFaults();
        for (int i = 0; i < passes; i++) {
            pass.run();
        }
        return before < 0 ? -1 : (double) (NativeMemory.minorFaults() - before) / passes;
    }

    /**
     * Self times from a trace in the profiler's format: an array of complete events
     * ({@code "ph": "X"}) with {@code name}, {@code ts} and {@code dur} in microseconds, and
     * {@code tid}. An event that starts inside another of its thread and ends by its end is its
     * callee.
     *
     * @param events the trace
     * @param passes the passes it holds
     * @return the ops, the longest self time first
     */
    static List<Op> selfTimes(JsonNode events, int passes) {
        Map<String, List<double[]>> byThread = new HashMap<>();
        List<String> names = new ArrayList<>();
        Map<String, Integer> nameIds = new HashMap<>();
        for (JsonNode e : events) {
            if (!"X".equals(e.path("ph").asText()) || !e.has("dur")) {
                continue;
            }
            int id = nameIds.computeIfAbsent(e.path("name").asText(), n -> {
                names.add(n);
                return names.size() - 1;
            });
            byThread.computeIfAbsent(e.path("tid").asText(), t -> new ArrayList<>())
                    .add(new double[] {e.path("ts").asDouble(), e.path("dur").asDouble(), id});
        }
        double[] self = new double[names.size()];
        long[] calls = new long[names.size()];
        for (List<double[]> thread : byThread.values()) {
            // callers before their callees: by start, the longer first
            thread.sort(Comparator.<double[]>comparingDouble(e -> e[0])
                    .thenComparing(e -> -e[1]));
            Deque<double[]> open = new ArrayDeque<>();
            for (double[] e : thread) {
                while (!open.isEmpty() && open.peek()[0] + open.peek()[1] <= e[0]) {
                    open.pop();
                }
                int id = (int) e[2];
                self[id] += e[1];
                calls[id]++;
                if (!open.isEmpty()) {
                    self[(int) open.peek()[2]] -= e[1];
                }
                open.push(e);
            }
        }
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            ops.add(new Op(names.get(i), (double) calls[i] / passes, self[i] / 1e3 / passes));
        }
        ops.sort(Comparator.comparingDouble(Op::selfMs).reversed());
        return ops;
    }

    /**
     * Profiles side by side as a markdown table: the ops that take the most time in any of them,
     * each one's self time and calls per pass, the rest summed, and the total.
     *
     * @param labels a label per profile, the first the baseline
     * @param profiles the profiles, in the labels' order
     * @param top how many ops to show
     * @return the table
     */
    public static String table(List<String> labels, List<Profile> profiles, int top) {
        List<Map<String, Op>> byName = new ArrayList<>();
        for (Profile p : profiles) {
            Map<String, Op> m = new TreeMap<>();
            p.ops().forEach(o -> m.put(o.name(), o));
            byName.add(m);
        }
        List<Op> all = new ArrayList<>();
        profiles.forEach(p -> all.addAll(p.ops()));
        all.sort(Comparator.comparingDouble(Op::selfMs).reversed());
        Set<String> shown = new LinkedHashSet<>();
        for (Op o : all) {
            if (shown.size() == top) {
                break;
            }
            shown.add(o.name());
        }
        StringBuilder sb = new StringBuilder("| op |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int i = 0; i < labels.size(); i++) {
            sb.append(' ').append(labels.get(i)).append(" ms (calls) |");
            rule.append("---:|");
            if (i > 0) {
                sb.append(" vs ").append(labels.get(0)).append(" |");
                rule.append("---:|");
            }
        }
        sb.append('\n').append(rule).append('\n');
        for (String name : shown) {
            sb.append("| ").append(name).append(" |");
            appendRow(sb, byName, name);
        }
        double[] rest = new double[profiles.size()];
        double[] total = new double[profiles.size()];
        for (int i = 0; i < profiles.size(); i++) {
            for (Op o : profiles.get(i).ops()) {
                total[i] += o.selfMs();
                rest[i] += shown.contains(o.name()) ? 0 : o.selfMs();
            }
        }
        appendSums(sb, "other ops", rest);
        appendSums(sb, "all ops", total);
        appendFaults(sb, labels, profiles);
        return sb.toString();
    }

    private static void appendFaults(StringBuilder sb, List<String> labels,
            List<Profile> profiles) {
        sb.append("| minor page faults per pass, profiled (unprofiled) |");
        List<String> faulted = new ArrayList<>();
        for (int i = 0; i < profiles.size(); i++) {
            Profile p = profiles.get(i);
            sb.append(String.format(Locale.ROOT, " %s (%s) |", count(p.faultsPerPass()),
                    count(p.unprofiledFaultsPerPass())));
            if (i > 0) {
                sb.append(" |");
            }
        }
        sb.append('\n');
        for (int i = 0; i < profiles.size(); i++) {
            if (profiles.get(i).profilerFaulted()) {
                faulted.add(labels.get(i));
            }
        }
        if (!faulted.isEmpty()) {
            sb.append(String.join(", ", faulted)).append(": far more pages faulted under the"
                    + " profiler than without it; ops that write large"
                    + " new arrays are charged there for the kernel's zeroing of fresh memory;"
                    + " time them unprofiled before acting on them.\n");
        }
    }

    private static String count(double c) {
        return c < 0 ? "?" : String.format(Locale.ROOT, "%.0f", c);
    }

    private static void appendRow(StringBuilder sb, List<Map<String, Op>> byName, String name) {
        Op base = byName.get(0).get(name);
        for (int i = 0; i < byName.size(); i++) {
            Op o = byName.get(i).get(name);
            sb.append(o == null ? " - |" : String.format(Locale.ROOT, " %.1f (%s) |", o.selfMs(),
                    calls(o.calls())));
            if (i > 0) {
                double d = (o == null ? 0 : o.selfMs()) - (base == null ? 0 : base.selfMs());
                sb.append(String.format(Locale.ROOT, " %+.1f |", d));
            }
        }
        sb.append('\n');
    }

    private static void appendSums(StringBuilder sb, String label, double[] ms) {
        sb.append("| ").append(label).append(" |");
        for (int i = 0; i < ms.length; i++) {
            sb.append(String.format(Locale.ROOT, " %.1f |", ms[i]));
            if (i > 0) {
                sb.append(String.format(Locale.ROOT, " %+.1f |", ms[i] - ms[0]));
            }
        }
        sb.append('\n');
    }

    private static String calls(double c) {
        return c == Math.rint(c) ? String.valueOf((long) c) : String.format(Locale.ROOT, "%.1f", c);
    }
}
