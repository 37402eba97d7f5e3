package dev.kiff.client;

/** The request is invalid (400) or too large (413); {@link #errors()} names every field in error. */
public class KiffInvalidRequestException extends KiffException {

    public KiffInvalidRequestException(Problem problem) {
        super(problem);
    }
}
