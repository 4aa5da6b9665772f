package io.relocator.worker.agent;

import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.relocator.worker.config.RelocatorConfig;
import io.relocator.worker.config.Secret;
import io.relocator.worker.domain.MigrationError;

/**
 * Hides the known passwords in text the worker did not write itself: an Agent's fault text (an Agent may repeat what
 * it was sent) and transport exception messages. Each password is looked for in clear and in the base64 forms it may
 * take on the wire (standard and URL-safe, padded or not); each occurrence becomes {@value #MASK}. Longer forms are
 * replaced first, so a password that contains another is not left half shown. A password inside a longer base64 blob
 * (say base64 of "user:password") is not found: only whole forms are. Immutable, so any thread may use it.
 */
public final class SecretScrubber {

    static final String MASK = "***";

    private final List<String> forms;

    private SecretScrubber(List<String> forms) {
        this.forms = forms;
    }

    /** A scrubber for these secrets (empty ones are ignored: there is nothing to hide). */
    public static SecretScrubber of(Collection<Secret> secrets) {
        Set<String> forms = new LinkedHashSet<>();
        for (Secret secret : secrets) {
            if (secret.reveal().isEmpty()) {
                continue;
            }
            byte[] bytes = secret.utf8();
            forms.add(secret.reveal());
            forms.add(Base64.getEncoder().encodeToString(bytes));
            forms.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
            forms.add(Base64.getUrlEncoder().encodeToString(bytes));
            forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        }
        return new SecretScrubber(forms.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList());
    }

    /** The passwords this worker knows: every node's, and the agent trust store's. */
    public static SecretScrubber knownPasswords(RelocatorConfig.Agent settings, Map<String, RelocatorConfig.Node> nodes) {
        return of(Stream.concat(nodes.values().stream().map(RelocatorConfig.Node::password),
                settings.trustStorePassword().stream()).toList());
    }

    /** {@code text} with every known password form replaced by {@value #MASK}; null stays null. */
    public String scrub(String text) {
        if (text == null) {
            return null;
        }
        String scrubbed = text;
        for (String form : forms) {
            scrubbed = scrubbed.replace(form, MASK);
        }
        return scrubbed;
    }

    /** The same error with its message scrubbed. */
    public MigrationError scrub(MigrationError error) {
        String message = scrub(error.message());
        return message == null || message.equals(error.message()) ? error
                : new MigrationError(error.code(), message, error.retryable(), error.agentCode(), error.node());
    }
}
