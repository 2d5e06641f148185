package io.upshift.web;

import java.util.concurrent.TimeUnit;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * More Vert.x HTTP servers on the port platform-http already listens on, each on an event loop of
 * its own, all handing requests to the same router (so to the same access handlers and routes).
 * <p>Why: camel-platform-http-vertx starts one {@code HttpServer}, and a Vert.x server runs every
 * connection on the one event loop it was created on. Under a flood of connections (measured: 300
 * wrong Basic credentials at once) that loop accepts, parses and answers each one in turn, and a
 * logged-on user's request waits behind all of them (8 s on a loaded 2-core machine, though every
 * refusal was cheap). Vert.x spreads the connections of servers sharing a port round-robin over
 * them, so with {@code n} servers a request waits behind about a {@code n}th of a flood, and the
 * servers' loops run in parallel.
 */
public final class HttpServerInstances {

    private HttpServerInstances() {
    }

    /**
     * Deploys {@code extra} more servers on {@code host:port} with {@code router} as their handler;
     * returns once they listen.
     */
    public static void add(Vertx vertx, Handler<HttpServerRequest> router, String host, int port, int extra)
            throws Exception {
        if (extra <= 0) {
            return;
        }
        vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                vertx.createHttpServer(new HttpServerOptions()).requestHandler(router).listen(port, host)
                        .<Void>mapEmpty().onComplete(started);
            }
        }, new DeploymentOptions().setInstances(extra)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
