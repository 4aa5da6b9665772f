package io.relocator.worker.agent;

/** A login to a node's Agent did not give a session; the cause is what CXF reported. Never leaves this package. */
final class LoginFailed extends RuntimeException {

    LoginFailed(Throwable cause) {
        super("login failed", cause, false, false);
    }
}
