/**
 * The {@code fadconv} command line (picocli): {@link io.fadconv.cli.Main} and one
 * {@code *Command} class per command, shared options as mixins
 * ({@link io.fadconv.cli.ThreadsOption}, {@link io.fadconv.cli.WindowOptions},
 * {@link io.fadconv.cli.SceneBands}, {@link io.fadconv.cli.TrainOptions}), progress bars and the
 * help layout. The only place that prints or exits: output through the command's
 * {@code @Spec} writers, errors as one line ({@link io.fadconv.cli.Errors}), exit code 1 for
 * errors and 2 for usage.
 */
package io.fadconv.cli;
