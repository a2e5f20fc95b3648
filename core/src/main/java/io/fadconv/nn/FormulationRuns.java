package io.fadconv.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.fadconv.engine.EngineSetup;
import java.util.ArrayList;
import java.util.List;

/**
 * Single runs of a problem's formulations on one draw of its data, as {@link ConvTuner} times
 * them, and of a static convolution of the same geometry: what a benchmark repeats to score the
 * tuner's choices against steady state and to find the least any formulation adds over a static
 * convolution ({@code fadconv bench formulations --model}). A run is the forward in inference and
 * the forward and backward in training, in the problem's gradient mode (restored after), on the
 * tuner's own data and loss ({@link ConvProblem#run}).
 */
public final class FormulationRuns implements AutoCloseable {

    private final ConvProblem problem;
    private final NDManager manager;
    private final ConvProblem.Data data;
    private final List<DynamicConv2d.Strategy> candidates = new ArrayList<>();

    private FormulationRuns(ConvProblem problem) {
        this.problem = problem;
        for (DynamicConv2d.Strategy s : DynamicConv2d.Strategy.values()) {
            if (ConvTuner.isCandidate(s, problem)) {
                candidates.add(s);
            }
        }
        manager = Engine.getEngine(EngineSetup.ENGINE).newBaseManager();
        data = problem.draw(manager);
    }

    /**
     * Draws a problem's data in the engine (closed with this).
     *
     * @param problem the problem
     * @return the runs
     */
    public static FormulationRuns of(ConvProblem problem) {
        return new FormulationRuns(problem);
    }

    /**
     * The strategies the tuner chooses among for the problem, in {@link DynamicConv2d.Strategy}
     * order: every one it may time, including those it leaves untimed where their work alone
     * loses.
     *
     * @return the candidates
     */
    public List<DynamicConv2d.Strategy> candidates() {
        return List.copyOf(candidates);
    }

    /**
     * One run with a strategy.
     *
     * @param s a candidate
     * @return milliseconds
     */
    public double strategyMs(DynamicConv2d.Strategy s) {
        return once(s);
    }

    /**
     * One run of a static convolution of the geometry ({@link ConvProblem#runStatic}).
     *
     * @return milliseconds
     */
    public double staticMs() {
        return once(null);
    }

    private double once(DynamicConv2d.Strategy s) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(problem.training());
        try (NDManager run = manager.newSubManager()) {
            ConvProblem.Run r = s == null ? problem.runStatic(run, data, true)
                    : problem.run(s, run, data, true);
            return problem.training() ? r.totalMs() : r.forwardMs();
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
