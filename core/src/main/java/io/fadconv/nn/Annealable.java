package io.fadconv.nn;

/** A layer with a softmax temperature that a training schedule lowers over time. */
public interface Annealable {

    /**
     * Sets the temperature used by the next forward passes.
     *
     * @param temperature a positive temperature
     */
    void setTemperature(float temperature);

    /** @return the current temperature */
    float getTemperature();
}
