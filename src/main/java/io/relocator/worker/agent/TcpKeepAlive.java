package io.relocator.worker.agent;

import java.net.SocketOption;
import java.time.Duration;

import org.jboss.logging.Logger;

import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import jdk.net.ExtendedSocketOptions;

/**
 * TCP keep-alive of the Agent connections. A migration call can be silent for hours, and a NAT or firewall on the path
 * drops a connection idle longer than its own timeout (often 5 to 60 minutes); the answer would then be lost although
 * the Agent did the work. Probes every {@code interval} after {@code idle} of silence keep such state alive, and
 * {@value #PROBES} unanswered probes tell a dead peer. Vert.x applies the idle, interval and count itself only with its
 * native (epoll) transport; on the JDK transport it sets SO_KEEPALIVE alone, which leaves the system's default (two
 * hours on Linux). So each new connection gets them here too, through the JDK's extended socket options. Immutable;
 * {@link #handle} runs on the connection's event loop, once per connection.
 */
final class TcpKeepAlive implements Handler<HttpConnection> {

    /** Unanswered probes before the system gives a connection up. */
    static final int PROBES = 4;

    private static final Logger LOG = Logger.getLogger(TcpKeepAlive.class);

    private final int idleSeconds;
    private final int intervalSeconds;

    TcpKeepAlive(Duration idle, Duration interval) {
        this.idleSeconds = seconds(idle);
        this.intervalSeconds = seconds(interval);
    }

    /** The client options, for the native transport (and SO_KEEPALIVE on any). */
    HttpClientOptions applyTo(HttpClientOptions options) {
        options.setTcpKeepAlive(true);
        options.setTcpKeepAliveIdleSeconds(idleSeconds);
        options.setTcpKeepAliveIntervalSeconds(intervalSeconds);
        options.setTcpKeepAliveCount(PROBES);
        return options;
    }

    int idleSeconds() {
        return idleSeconds;
    }

    int intervalSeconds() {
        return intervalSeconds;
    }

    /** A new connection to an Agent: sets the idle, interval and count on a JDK socket that supports them. */
    @Override
    public void handle(HttpConnection connection) {
        if (!(connection instanceof ConnectionBase base) || !(base.channel() instanceof NioSocketChannel channel)) {
            return; // the native transport got them from the options
        }
        try {
            set(channel, ExtendedSocketOptions.TCP_KEEPIDLE, idleSeconds);
            set(channel, ExtendedSocketOptions.TCP_KEEPINTERVAL, intervalSeconds);
            set(channel, ExtendedSocketOptions.TCP_KEEPCOUNT, PROBES);
        } catch (RuntimeException e) {
            // UnsupportedOperationException where the system lacks the option, ChannelException on a closed socket
            LOG.debugf("TCP keep-alive timing not set on a connection to %s (%s): the system's default applies",
                    connection.remoteAddress(), e.getClass().getSimpleName());
        }
    }

    private static void set(Channel channel, SocketOption<Integer> option, int value) {
        channel.config().setOption(NioChannelOption.of(option), value);
    }

    private static int seconds(Duration duration) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, duration.toSeconds()));
    }
}
