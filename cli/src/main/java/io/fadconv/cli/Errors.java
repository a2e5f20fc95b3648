package io.fadconv.cli;

import io.fadconv.util.ErrorMessages;

/** Turns an exception into the one line a user reads. */
final class Errors {

    private Errors() {}

    /**
     * The most useful message of an exception chain ({@link ErrorMessages#oneLine}).
     *
     * @param t the exception
     * @return one line
     */
    static String message(Throwable t) {
        return ErrorMessages.oneLine(t);
    }
}
