package io.relocator.worker.config;

import java.nio.charset.StandardCharsets;

/**
 * A password from the configuration. Its {@link #toString()} is redacted, so a node's config printed whole, a log line
 * built carelessly or an exception message that names the object never shows it; only {@link #utf8()} and
 * {@link #reveal()} give it out, for the request bodies that must carry it and for the scrubber that hides it. SmallRye
 * Config builds it through {@link #of(String)} (an implicit converter). Immutable.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** The secret with this value; how the config mapping converts {@code relocator.nodes.<id>.password}. */
    public static Secret of(String value) {
        if (value == null) {
            throw new IllegalArgumentException("a secret needs a value");
        }
        return new Secret(value);
    }

    /** The value itself, for code that must send it or hide it. Never log it. */
    public String reveal() {
        return value;
    }

    /** The value as UTF-8 bytes: what JAXB writes as {@code xs:base64Binary}. */
    public byte[] utf8() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "***";
    }
}
