package io.relocator.worker.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Lets an admin request through only with {@code Authorization: Bearer <relocator.simulator.admin-token>}; anything
 * else is answered 401 with no detail, before its body is read. The comparison is of SHA-256 digests with
 * {@link MessageDigest#isEqual}: constant time, and the length of the token does not show either. The token is kept
 * only as its digest and never logged.
 * Runs on the event loop; immutable, so any thread.
 */
final class AdminTokenCheck implements Handler<RoutingContext> {

    private static final String BEARER = "Bearer ";

    private final byte[] expected;

    AdminTokenCheck(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("an admin token must not be empty");
        }
        this.expected = digest(token);
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (allows(ctx.request().getHeader("Authorization"))) {
            ctx.next();
        } else {
            ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer").end();
        }
    }

    /** Whether an {@code Authorization} header value carries the token; false for none or any other scheme. */
    boolean allows(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return MessageDigest.isEqual(expected, digest(authorization.substring(BEARER.length()).strip()));
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "AdminTokenCheck[***]";
    }
}
