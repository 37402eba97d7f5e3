package dev.kiff.client;

/** The API key is missing or unknown (401). */
public class KiffUnauthorizedException extends KiffException {

    public KiffUnauthorizedException(Problem problem) {
        super(problem);
    }
}
