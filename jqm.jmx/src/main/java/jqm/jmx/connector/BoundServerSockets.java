package jqm.jmx.connector;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.server.RMIServerSocketFactory;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * The listening sockets of the registry and the connector: bound to one address (the JDK's own
 * factories listen on every interface), and TLS unless plain sockets were asked for.
 *
 * <p>RMI keeps every server socket factory it was given for the life of the JVM (in its table of
 * local endpoints); {@link #close()} drops the TLS keys so that a stopped connector keeps none.
 */
final class BoundServerSockets implements RMIServerSocketFactory {
    /** TLS versions offered, newest first; older ones are refused. */
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final InetAddress address;
    private final boolean needClientCertificate;
    private volatile SSLContext tls;
    private final boolean plain;
    private volatile boolean closed;

    private BoundServerSockets(InetAddress address, SSLContext tls, boolean needClientCertificate) {
        this.address = address;
        this.tls = tls;
        this.plain = tls == null;
        this.needClientCertificate = needClientCertificate;
    }

    static BoundServerSockets tls(InetAddress address, SSLContext tls, boolean needClientCertificate) {
        return new BoundServerSockets(address, tls, needClientCertificate);
    }

    static BoundServerSockets plain(InetAddress address) {
        return new BoundServerSockets(address, null, false);
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        if (closed) {
            throw new IOException("The remote JMX connector is stopped");
        }
        if (plain) {
            return new ServerSocket(port, 50, address);
        }
        SSLServerSocket s = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(port, 50, address);
        s.setNeedClientAuth(needClientCertificate);
        s.setEnabledProtocols(Arrays.stream(s.getSupportedProtocols()).filter(PROTOCOLS::contains).toArray(String[]::new));
        return s;
    }

    void close() {
        closed = true;
        tls = null;
    }

    @Override
    public String toString() {
        return (plain ? "plain" : "TLS") + " sockets on " + address.getHostAddress();
    }
}
