package io.relocator.worker.messaging;

/** Reads a failure's chain of causes. Plain functions, any thread. */
final class Causes {

    private Causes() {
    }

    /** Whether {@code failure}, or one of its causes, is of one of {@code kinds}. */
    @SafeVarargs
    static boolean any(Throwable failure, Class<? extends Throwable>... kinds) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            for (Class<? extends Throwable> kind : kinds) {
                if (kind.isInstance(t)) {
                    return true;
                }
            }
        }
        return false;
    }
}
