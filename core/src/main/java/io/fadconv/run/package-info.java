/**
 * A training run's folder as the rest of the project sees it:
 * {@link io.fadconv.run.RunFolder} (its files; opening a finished run for inference) and
 * {@link io.fadconv.run.RunInfo} ({@code run.json}: network, dataset kind, classes).
 */
package io.fadconv.run;
