/**
 * The library's root: {@link io.fadconv.Djl}, the single entry to the engine (the engine
 * itself, its status, seeding), a facade over {@code engine.EngineSetup}. The packages below
 * depend on one another in one direction only (DESIGN.md draws the graph):
 * {@code engine <- nn <- model <- {cost, run} <- {train, infer} <- {viz, workflow}}, with
 * {@code data} under {@code run}, {@code eval} under {@code train} and {@code infer}, and
 * {@code util} under everything. Nothing here prints to stdout or exits; the {@code cli} module
 * does.
 */
package io.fadconv;
