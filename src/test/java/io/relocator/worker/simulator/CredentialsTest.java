package io.relocator.worker.simulator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The simulator's one accepted user: matching, no default password, never shown. */
class CredentialsTest {

    private final String password = UUID.randomUUID().toString();

    @Test
    void matchesOnlyTheConfiguredUserAndPassword() {
        Credentials credentials = new Credentials("root", Optional.of(password));

        assertTrue(credentials.matches("root".getBytes(UTF_8), password.getBytes(UTF_8)));
        assertFalse(credentials.matches("root".getBytes(UTF_8), (password + "x").getBytes(UTF_8)));
        assertFalse(credentials.matches("admin".getBytes(UTF_8), password.getBytes(UTF_8)));
    }

    @Test
    void withoutAPasswordNothingMatchesNotEvenAnEmptyOne() {
        Credentials credentials = new Credentials("root", Optional.of(""));

        assertFalse(credentials.passwordConfigured());
        assertFalse(credentials.matches("root".getBytes(UTF_8), new byte[0]));
    }

    @Test
    void toStringNeverShowsThePassword() {
        assertFalse(new Credentials("root", Optional.of(password)).toString().contains(password));
    }
}
