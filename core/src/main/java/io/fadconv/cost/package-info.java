/**
 * Parameter and multiply-add counts from a built model, without a forward pass:
 * {@link io.fadconv.cost.CostCounter} walks the block tree (the shape flow each
 * {@code model.TracedBlock} describes) into {@link io.fadconv.cost.CostEntry} rows, summed into a
 * {@link io.fadconv.cost.CostReport}; {@link io.fadconv.cost.CostTable} and
 * {@link io.fadconv.cost.CostRow} print them in the paper's format, with the paper's Eq. 5 beside
 * what is computed (docs/cost-vs-paper.md).
 */
package io.fadconv.cost;
