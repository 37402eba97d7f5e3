package dev.kiff.client;

/** No such job, batch or session (404), or it belongs to another tenant. */
public class KiffNotFoundException extends KiffException {

    public KiffNotFoundException(Problem problem) {
        super(problem);
    }
}
