package io.upshift.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.upshift.store.Jdbc;
import org.apache.camel.support.service.ServiceSupport;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Signal}s between replicas through the database they share: PostgreSQL's
 * {@code NOTIFY upshift} to send, one {@code LISTEN upshift} connection per replica to receive.
 * Delivery takes milliseconds and needs nothing beyond the database (no peer addresses, no extra
 * RBAC). A replica's own signals come back to it and are dropped.
 *
 * <p>The listener blocks in {@link PGConnection#getNotifications(int)} (a socket read, not a timer
 * poll); every {@code keepAlive} without a signal it checks that the connection still works. A lost
 * connection is opened again after {@code reconnectDelay}, and then a {@link Signal.Kind#RESYNC}
 * goes to the sink: signals sent meanwhile are lost, so the receiver looks at everything again.
 *
 * <p>On H2 (one process's embedded database: there is no other replica) sending does nothing.
 */
public class Signals extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);
    static final String CHANNEL = "upshift";

    private final String url;
    private final String user;
    private final String password;
    private final Jdbc jdbc;
    private final String instanceId;
    private final Duration keepAlive;
    private final Duration reconnectDelay;
    private final Consumer<Signal> sink;
    private volatile Thread listener;
    private volatile Connection connection;

    public Signals(String url, String user, String password, Jdbc jdbc, String instanceId, Duration keepAlive,
            Duration reconnectDelay, Consumer<Signal> sink) {
        this.url = Objects.requireNonNull(url, "url");
        this.user = user;
        this.password = password;
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.keepAlive = keepAlive;
        this.reconnectDelay = reconnectDelay;
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** True when replicas can share the database (PostgreSQL). */
    public boolean shared() {
        return url.startsWith("jdbc:postgresql:");
    }

    /** Tells every other replica (in the sender's name); nothing to tell on H2. */
    public void send(Signal.Kind kind, String subject) {
        if (shared()) {
            Signal signal = new Signal(kind, subject, instanceId);
            jdbc.one("SELECT pg_notify(?, ?)", row -> Boolean.TRUE, CHANNEL, signal.payload());
            LOG.debug("Signal sent: {}", signal);
        }
    }

    @Override
    protected void doStart() {
        if (shared()) {
            Thread thread = new Thread(this::listen, "upshift-signals");
            thread.setDaemon(true);
            listener = thread;
            thread.start();
        }
    }

    @Override
    protected void doStop() throws InterruptedException {
        Thread thread = listener;
        listener = null;
        if (thread != null) {
            closeQuietly(connection);
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
    }

    private void listen() {
        boolean first = true;
        while (listener == Thread.currentThread()) {
            try (Connection c = DriverManager.getConnection(url, user, password)) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                LOG.info("Listening for the other replicas' signals (channel {})", CHANNEL);
                if (!first) {
                    sink.accept(new Signal(Signal.Kind.RESYNC, "all", instanceId));
                }
                first = false;
                receive(c.unwrap(PGConnection.class), c);
            } catch (SQLException | RuntimeException e) {
                if (listener != Thread.currentThread()) {
                    return;
                }
                LOG.warn("Signals: the listening connection failed ({}); listening again in {}", e.getMessage(), reconnectDelay);
                try {
                    TimeUnit.MILLISECONDS.sleep(reconnectDelay.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void receive(PGConnection pg, Connection c) throws SQLException {
        while (listener == Thread.currentThread()) {
            PGNotification[] notifications = pg.getNotifications((int) keepAlive.toMillis());
            if (notifications == null || notifications.length == 0) {
                if (!c.isValid((int) Math.max(1, keepAlive.toSeconds()))) {
                    throw new SQLException("the connection is no longer valid");
                }
                continue;
            }
            for (PGNotification n : notifications) {
                Signal.parse(n.getParameter()).filter(s -> !s.from().equals(instanceId)).ifPresent(s -> {
                    LOG.debug("Signal received: {}", s);
                    sink.accept(s);
                });
            }
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Closing the listening connection: {}", e.getMessage());
            }
        }
    }
}
