package io.relocator.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.relocator.worker.config.AgentUrlRule.Verdict;

/** The plain-http rule on its own. Addresses are loopback, documentation ranges (192.0.2.0/24) or {@code .invalid}. */
class AgentUrlRuleTest {

    @Test
    void httpsIsAlwaysAccepted() {
        assertEquals(Verdict.TLS, AgentUrlRule.check("hn-01", "https://hn-01.dc1.invalid:4646", false));
        assertEquals(Verdict.TLS, AgentUrlRule.check("hn-01", "HTTPS://192.0.2.10:4646/", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/simulator/agents/hn-01", "http://127.200.3.4/", "http://localhost:4646",
            "http://LOCALHOST/", "http://[::1]:4646/", "http://[0:0:0:0:0:0:0:1]/", "http://[::ffff:127.0.0.1]/"})
    void plainHttpToLoopbackIsAccepted(String url) {
        assertEquals(Verdict.PLAIN_LOOPBACK, AgentUrlRule.check("hn-01", url, false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://192.0.2.10:4646/", "http://hn-01.dc1.invalid:4646", "http://128.0.0.1/",
            "http://localhost.invalid/", "http://127.0.0.1.invalid/", "http://[2001:db8::1]/", "http://0.0.0.0/"})
    void plainHttpElsewhereIsRefusedNamingTheNodeAndTheSetting(String url) {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> AgentUrlRule.check("hn-07", url, false));
        assertTrue(refused.getMessage().contains("relocator.nodes.hn-07.agent-url"), refused.getMessage());
        assertTrue(refused.getMessage().contains("relocator.agent.allow-plain-http=true"), refused.getMessage());
    }

    @Test
    void plainHttpElsewhereIsAcceptedWhenAllowed() {
        assertEquals(Verdict.PLAIN_ALLOWED, AgentUrlRule.check("hn-07", "http://192.0.2.10:4646/", true));
        assertEquals(Verdict.PLAIN_LOOPBACK, AgentUrlRule.check("hn-07", "http://127.0.0.1:4646/", true));
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutRepeatingThem() {
        String secret = "pw-" + java.util.UUID.randomUUID();
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> AgentUrlRule.check("hn-02", "https://root:" + secret + "@hn-02.dc1.invalid/", true));
        assertTrue(refused.getMessage().contains("relocator.nodes.hn-02"), refused.getMessage());
        assertFalse(refused.getMessage().contains(secret), refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://hn-01.dc1.invalid/", "hn-01.dc1.invalid:4646", "https:///nohost", "http://a b/",
            "http://127.0.0.256/"})
    void otherSchemesAndNonUrlsAreRefused(String url) {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> AgentUrlRule.check("hn-03", url, true));
        assertTrue(refused.getMessage().contains("relocator.nodes.hn-03.agent-url"), refused.getMessage());
    }

    @Test
    void loopbackLiteralsOnly() {
        assertTrue(AgentUrlRule.isLoopback("127.0.0.1"));
        assertFalse(AgentUrlRule.isLoopback("[::2]"));
        assertFalse(AgentUrlRule.isLoopback("[not:an:address::zz]"));
        assertFalse(AgentUrlRule.isLoopback("999.0.0.1"));
    }
}
