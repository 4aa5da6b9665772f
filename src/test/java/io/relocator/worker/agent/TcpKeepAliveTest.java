package io.relocator.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.impl.ConnectionBase;
import jdk.net.ExtendedSocketOptions;

/**
 * TCP keep-alive of the Agent connections: the options every node's client is built with, and the socket options a
 * real connection to 127.0.0.1 ends up with on the JDK transport (where Vert.x itself sets only SO_KEEPALIVE).
 */
class TcpKeepAliveTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void everyNodesClientOptionsAskForKeepAliveWithTheConfiguredTiming() {
        TestConfig.Agent settings = TestConfig.agent().withTcpKeepAlive(Duration.ofSeconds(45), Duration.ofSeconds(10));
        AgentClientBuilder builder = new AgentClientBuilder(vertx, null, settings, 4, key -> null, 0);
        for (String url : new String[] {"http://127.0.0.1:4646/", "https://127.0.0.1:4646/"}) {
            HttpClientOptions options = builder.httpOptions(TestConfig.node(url, "hn-01.sim.invalid"));
            assertTrue(options.isTcpKeepAlive(), url);
            assertEquals(45, options.getTcpKeepAliveIdleSeconds(), url);
            assertEquals(10, options.getTcpKeepAliveIntervalSeconds(), url);
            assertEquals(TcpKeepAlive.PROBES, options.getTcpKeepAliveCount(), url);
        }
        assertEquals(45, builder.keepAlive().idleSeconds());
        assertEquals(10, builder.keepAlive().intervalSeconds());
    }

    @Test
    void aRealConnectionGetsTheTimingOnItsSocket() throws Exception {
        int port = vertx.createHttpServer().requestHandler(request -> request.response().end("ok"))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        TcpKeepAlive keepAlive = new TcpKeepAlive(Duration.ofSeconds(75), Duration.ofSeconds(20));
        HttpClientOptions options = keepAlive.applyTo(new HttpClientOptions());
        CompletableFuture<Map<String, Object>> seen = new CompletableFuture<>();
        NodeHttpClientPool pool = new NodeHttpClientPool(vertx, options, new PoolOptions(), connection -> {
            keepAlive.handle(connection);
            Channel channel = ((ConnectionBase) connection).channel();
            seen.complete(Map.of("channel", channel,
                    "SO_KEEPALIVE", channel.config().getOption(ChannelOption.SO_KEEPALIVE),
                    "idle", channel.config().getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE)),
                    "interval", channel.config().getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL)),
                    "count", channel.config().getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT))));
        });
        try {
            String body = pool.getClient(null, null, null).request(HttpMethod.GET, port, "127.0.0.1", "/")
                    .compose(request -> request.send()).compose(response -> response.body())
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toString();
            assertEquals("ok", body);
            Map<String, Object> socket = seen.get(10, TimeUnit.SECONDS);
            assertInstanceOf(NioSocketChannel.class, socket.get("channel"), "the JDK transport, the case Vert.x leaves out");
            assertEquals(Boolean.TRUE, socket.get("SO_KEEPALIVE"));
            assertEquals(75, socket.get("idle"));
            assertEquals(20, socket.get("interval"));
            assertEquals(TcpKeepAlive.PROBES, socket.get("count"));
        } finally {
            pool.close();
        }
    }
}
