package io.relocator.worker.domain;

/** Which migrations of a node a pause stops from starting: into it, out of it, or both. */
public enum Direction {
    IN, OUT, BOTH;

    boolean coversIn() {
        return this != OUT;
    }

    boolean coversOut() {
        return this != IN;
    }
}
