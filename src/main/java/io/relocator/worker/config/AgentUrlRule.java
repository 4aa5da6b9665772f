package io.relocator.worker.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which agent URLs the worker accepts. Every call carries a password (the login's, or the target's in
 * {@code dst/password}), and base64 is no protection: plain {@code http} may only reach the local machine, unless the
 * operator says otherwise with {@value #ALLOW_KEY}. Called by {@link NodeInventory} at start-up, once per node.
 * Host names other than {@code localhost} are never resolved here: a name that resolves to 127.0.0.1 today may not
 * tomorrow, so only loopback literals count.
 */
public final class AgentUrlRule {

    /** The setting that lets plain {@code http} reach other hosts. */
    public static final String ALLOW_KEY = "relocator.agent.allow-plain-http";

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    /** What the rule made of one node's URL. */
    public enum Verdict {
        /** {@code https}: the normal case. */
        TLS,
        /** {@code http} to a loopback address: nothing crosses a network. */
        PLAIN_LOOPBACK,
        /** {@code http} to another host, accepted only because {@value #ALLOW_KEY} is true: say so at WARN. */
        PLAIN_ALLOWED
    }

    private AgentUrlRule() {
    }

    /**
     * The verdict on {@code node}'s {@code agentUrl}; a URL the worker must not use stops start-up with a message
     * naming the node and the setting to change. The message never repeats the URL whole (it could hold a user:password).
     */
    public static Verdict check(String node, String agentUrl, boolean allowPlainHttp) {
        String setting = "relocator.nodes." + node + ".agent-url";
        URI uri = parse(setting, agentUrl);
        if (uri.getRawUserInfo() != null) {
            throw new IllegalStateException(setting + " holds a user name or password: credentials belong in relocator.nodes."
                    + node + ".username and .password, never in the URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalStateException(setting + " must be an https:// URL with a host (e.g. https://hn-01.dc1.example:4646)");
        }
        if (scheme.equals("https")) {
            return Verdict.TLS;
        }
        if (isLoopback(uri.getHost())) {
            return Verdict.PLAIN_LOOPBACK;
        }
        if (allowPlainHttp) {
            return Verdict.PLAIN_ALLOWED;
        }
        throw new IllegalStateException(setting + " is plain http to " + uri.getHost() + ": node " + node
                + "'s password would cross the network readable by anyone on the path (base64 is not encryption)."
                + " Use https://, or set " + ALLOW_KEY + "=true to accept plain http to other hosts than loopback");
    }

    /** {@code localhost}, 127.0.0.0/8 or ::1 (also as ::ffff:127.x.y.z), given as a literal. */
    static boolean isLoopback(String host) {
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (literal.equalsIgnoreCase("localhost")) {
            return true;
        }
        Matcher v4 = IPV4.matcher(literal);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return false;
                }
            }
            return Integer.parseInt(v4.group(1)) == 127;
        }
        if (!literal.contains(":")) {
            return false; // a host name: not resolved (see the class comment)
        }
        try {
            // an IPv6 literal is parsed, never looked up; an invalid one is refused without DNS
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static URI parse(String setting, String agentUrl) {
        try {
            return new URI(agentUrl);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(setting + " is not a URL (" + e.getReason() + ")");
        }
    }
}
