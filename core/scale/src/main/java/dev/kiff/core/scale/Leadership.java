package dev.kiff.core.scale;

/** Whether this scheduler instance is the one that acts. Exactly one instance leads at a time; the others stand by. */
public interface Leadership {

    boolean leading();

    /** This instance's name, recorded with each decision. */
    String instanceId();
}
