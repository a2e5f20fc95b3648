/**
 * What a command does, end to end, for the CLI and the spark module to call (commands
 * only parse, print and exit): a run opened for mapping ({@link io.fadconv.workflow.MappingRun}),
 * CNA of one pair ({@link io.fadconv.workflow.CnaWorkflow}) and of many
 * ({@link io.fadconv.workflow.BatchCna} over a {@link io.fadconv.workflow.BatchEngine}), predict
 * on a folder ({@link io.fadconv.workflow.BatchPredict}), train and report
 * ({@link io.fadconv.workflow.ExperimentReport}) and the quickstart's steps
 * ({@link io.fadconv.workflow.Quickstart}). Nothing else in core imports it.
 */
package io.fadconv.workflow;
