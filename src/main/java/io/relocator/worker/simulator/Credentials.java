package io.relocator.worker.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The one user every simulated Agent accepts, both for {@code sessionm/login} and as {@code dst} credentials of a
 * migration. Without a configured password nothing is accepted: a simulator must not be reachable with a default
 * secret. {@link #toString()} never shows the password.
 */
public final class Credentials {

    private final byte[] username;
    private final Optional<byte[]> password;

    public Credentials(String username, Optional<String> password) {
        this.username = username.getBytes(StandardCharsets.UTF_8);
        this.password = password.filter(p -> !p.isEmpty()).map(p -> p.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether any login can succeed at all. */
    public boolean passwordConfigured() {
        return password.isPresent();
    }

    /** Compares the decoded wire values in constant time, so timing says nothing about the secret. */
    boolean matches(byte[] user, byte[] pass) {
        boolean userOk = MessageDigest.isEqual(username, user);
        boolean passOk = password.map(expected -> MessageDigest.isEqual(expected, pass)).orElse(false);
        return userOk & passOk;
    }

    @Override
    public String toString() {
        return "Credentials[username=" + new String(username, StandardCharsets.UTF_8) + ", password=***]";
    }
}
