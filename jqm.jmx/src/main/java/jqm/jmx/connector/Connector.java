package jqm.jmx.connector;

import java.io.IOException;
import java.net.InetAddress;
import java.rmi.NoSuchObjectException;
import java.rmi.NotBoundException;
import java.rmi.Remote;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnectionNotification;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.MBeanServerForwarder;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import javax.rmi.ssl.SslRMIClientSocketFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started JMX RMI connector server and the RMI registry that publishes it as {@value #BINDING},
 * each on its own fixed port and on the same sockets (TLS or plain, bound to one address).
 * {@link #close()} unexports both, which closes both ports.
 */
final class Connector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);
    /** The name JConsole and VisualVM look up in the registry. */
    static final String BINDING = "jmxrmi";
    static final long GUARD_SECONDS = 5;

    /**
     * How clients authenticate, and what checks their calls: a forwarder of the connector's own, or
     * the JDK's controller of a JMX access file.
     */
    record Authentication(JMXAuthenticator authenticator, MBeanServerForwarder access, String accessFile) {
    }

    private final BoundServerSockets sockets;
    private final RMIConnectorServer server;
    private final RMIJRMPServerImpl exported;
    private final NotificationListener connections = Connector::connectionChanged;
    private Registry registry;
    private Remote stub;
    private ScheduledExecutorService guard;

    private Connector(BoundServerSockets sockets, RMIConnectorServer server, RMIJRMPServerImpl exported) {
        this.sockets = sockets;
        this.server = server;
        this.exported = exported;
    }

    /**
     * Starts the connector on {@code serverPort}, then the registry on {@code registryPort}.
     *
     * @throws IOException when a port cannot be opened; nothing is left open then
     */
    static Connector start(MBeanServer mbs, InetAddress address, int registryPort, int serverPort, BoundServerSockets sockets,
            boolean tls, Authentication authentication) throws IOException {
        Map<String, Object> env = new HashMap<>();
        SslRMIClientSocketFactory clientSockets = tls ? new SslRMIClientSocketFactory() : null;
        env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, sockets);
        if (tls) {
            env.put(RMIConnectorServer.RMI_CLIENT_SOCKET_FACTORY_ATTRIBUTE, clientSockets);
        }
        // What a client may send before it is authenticated: its credentials, strings only (as the JDK agent).
        env.put(RMIConnectorServer.CREDENTIALS_FILTER_PATTERN, String.class.getName() + ";!*");
        // The exported objects do not keep the JVM alive.
        env.put("jmx.remote.x.daemon", "true");
        // Classes of the JDK only for what the connector deserializes itself; MBeans' parameters use their own loader.
        env.put(JMXConnectorServerFactory.DEFAULT_CLASS_LOADER, ClassLoader.getPlatformClassLoader());
        env.put(JMXConnectorServer.AUTHENTICATOR, authentication.authenticator());
        if (authentication.accessFile() != null) {
            env.put("jmx.remote.x.access.file", authentication.accessFile());
        }
        RMIJRMPServerImpl exported = new RMIJRMPServerImpl(serverPort, clientSockets, sockets, env);
        RMIConnectorServer server = new RMIConnectorServer(new JMXServiceURL("rmi", address.getHostAddress(), serverPort), env,
                exported, mbs);
        if (authentication.access() != null) {
            server.setMBeanServerForwarder(authentication.access());
        }
        Connector c = new Connector(sockets, server, exported);
        server.addNotificationListener(c.connections, null, null);
        // RMI threads keep the class loader of the thread that exported: the JDK's, never a bundle's.
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            server.start();
            c.registry = LocateRegistry.createRegistry(registryPort, clientSockets, sockets);
            c.stub = exported.toStub();
            c.registry.bind(BINDING, c.stub);
        } catch (IOException | java.rmi.AlreadyBoundException | RuntimeException e) {
            c.close();
            throw e instanceof IOException io ? io : new IOException(e.toString(), e);
        } finally {
            thread.setContextClassLoader(before);
        }
        c.guard = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jqm-jmx-registry-guard");
            t.setDaemon(true);
            return t;
        });
        c.guard.scheduleWithFixedDelay(c::guardBinding, GUARD_SECONDS, GUARD_SECONDS, TimeUnit.SECONDS);
        return c;
    }

    /**
     * The JDK's registry lets any process of this machine rebind a name. Were {@value #BINDING}
     * replaced, clients would be sent elsewhere: put it back, and say so.
     */
    private void guardBinding() {
        try {
            Remote bound;
            try {
                bound = registry.lookup(BINDING);
            } catch (NotBoundException e) {
                bound = null;
            }
            if (!stub.equals(bound)) {
                registry.rebind(BINDING, stub);
                LOG.warn("Remote JMX: the registry entry '{}' had been {} by a process of this machine; restored", BINDING,
                        bound == null ? "removed" : "replaced");
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Remote JMX: cannot check the registry entry '{}': {}", BINDING, e.toString());
        }
    }

    private static void connectionChanged(Notification n, Object handback) {
        if (n instanceof JMXConnectionNotification c) {
            String what = switch (c.getType()) {
            case JMXConnectionNotification.OPENED -> "opened";
            case JMXConnectionNotification.CLOSED -> "closed";
            case JMXConnectionNotification.FAILED -> "failed";
            default -> null;
            };
            if (what != null) {
                LOG.info("Remote JMX: connection {} {}", c.getConnectionId(), what);
            }
        }
    }

    /** Stops the connector (closing its client connections) and the registry: both ports close. */
    @Override
    public void close() {
        if (guard != null) {
            guard.shutdownNow();
            try {
                guard.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            server.stop();
        } catch (IOException e) {
            LOG.warn("Remote JMX: stopping the connector: {}", e.toString());
        }
        try {
            server.removeNotificationListener(connections);
        } catch (javax.management.ListenerNotFoundException e) {
            // already gone
        }
        if (registry != null) {
            try {
                UnicastRemoteObject.unexportObject(registry, true);
            } catch (NoSuchObjectException e) {
                // not exported
            }
        }
        sockets.close();
    }
}
