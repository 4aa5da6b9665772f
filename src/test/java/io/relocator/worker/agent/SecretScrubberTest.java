package io.relocator.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.relocator.worker.config.Secret;
import io.relocator.worker.domain.ErrorCode;
import io.relocator.worker.domain.MigrationError;

/** Known passwords, in clear and in their base64 forms, never survive the scrubber; other text does, unchanged. */
class SecretScrubberTest {

    // '?' and '>' make the standard and URL-safe base64 forms differ ('/' and '+' against '_' and '-')
    private final String password = "pw?>" + UUID.randomUUID();
    private final SecretScrubber scrubber = SecretScrubber.of(List.of(Secret.of(password)));

    @Test
    void clearAndEveryBase64FormAreMasked() {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        for (String form : List.of(password, Base64.getEncoder().encodeToString(bytes),
                Base64.getEncoder().withoutPadding().encodeToString(bytes), Base64.getUrlEncoder().encodeToString(bytes),
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))) {
            assertEquals("Login refused for root/*** on hn-01", scrubber.scrub("Login refused for root/" + form + " on hn-01"),
                    form);
        }
    }

    @Test
    void everyOccurrenceIsMasked() {
        assertEquals("*** and *** again", scrubber.scrub(password + " and " + password + " again"));
    }

    @Test
    void aPasswordContainingAnotherIsNotLeftHalfShown() {
        String shorter = "abcd" + UUID.randomUUID().toString().substring(0, 8);
        String longer = "x-" + shorter + "-y";
        SecretScrubber both = SecretScrubber.of(List.of(Secret.of(shorter), Secret.of(longer)));
        assertEquals("[***]", both.scrub("[" + longer + "]"));
    }

    @Test
    void otherTextAndNullAreLeftAlone() {
        assertEquals("Environment does not exist: a8a73d01", scrubber.scrub("Environment does not exist: a8a73d01"));
        assertNull(scrubber.scrub((String) null));
        SecretScrubber none = SecretScrubber.of(List.of(Secret.of("")));
        assertEquals("nothing to hide", none.scrub("nothing to hide"));
    }

    @Test
    void anErrorKeepsEverythingButThePassword() {
        MigrationError error = new MigrationError(ErrorCode.AGENT_ERROR, "bad password " + password, false, 133, "hn-02");
        MigrationError scrubbed = scrubber.scrub(error);
        assertEquals(new MigrationError(ErrorCode.AGENT_ERROR, "bad password ***", false, 133, "hn-02"), scrubbed);
        MigrationError clean = new MigrationError(ErrorCode.UNREACHABLE, "connection refused", true, null, "hn-02");
        assertSame(clean, scrubber.scrub(clean));
    }

    @Test
    void theWorkersKnownPasswordsAreEveryNodesAndTheTrustStores() {
        TestConfig.Node one = TestConfig.node("https://127.0.0.1:4646", "hn-01.sim.invalid");
        TestConfig.Node two = TestConfig.node("https://127.0.0.1:4647", "hn-02.sim.invalid");
        String storePassword = UUID.randomUUID().toString();
        TestConfig.Agent agent = TestConfig.agent().withTrustStorePassword(Secret.of(storePassword));
        SecretScrubber known = SecretScrubber.knownPasswords(agent, Map.of("hn-01", one, "hn-02", two));
        String text = one.password().reveal() + " " + two.password().reveal() + " " + storePassword;
        assertEquals("*** *** ***", known.scrub(text));
    }
}
