package jqm.jmx.access;

import java.rmi.server.RemoteServer;
import java.rmi.server.ServerNotActiveException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the authenticators share: reading the credentials JMX clients send, the client's address,
 * and the slowing down of repeated failures from one address (after {@value #FREE_FAILURES}, logins
 * from it are refused for a growing time, 1 s doubling up to 5 min).
 */
final class Logins {
    private static final Logger LOG = LoggerFactory.getLogger(Logins.class);
    static final int FREE_FAILURES = 5;

    private final LongSupplier clock;
    /** Failed logins by client address: count, and the time of the last one. */
    private final Map<String, long[]> failures = new ConcurrentHashMap<>();

    Logins(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * @return the account name and password a client sent ({@code String[] {name, password}}, what
     *         JConsole and {@code JMXConnector.CREDENTIALS} send)
     * @throws SecurityException when there are none, or when this address failed too often lately
     */
    String[] credentials(Object credentials, String address) {
        if (!(credentials instanceof String[] c) || c.length != 2 || c[0] == null || c[1] == null) {
            LOG.warn("Remote JMX: connection without credentials from {} refused", address);
            throw new SecurityException("Authentication required: credentials are String[] {account, password}");
        }
        long[] f = failures.get(address);
        if (f != null && f[0] >= FREE_FAILURES) {
            long waitMs = Math.min(300_000L, 1000L << Math.min(f[0] - FREE_FAILURES, 8));
            long left = f[1] + waitMs - clock.getAsLong();
            if (left > 0) {
                LOG.warn("Remote JMX: login of '{}' from {} refused: too many failed logins from that address", printable(c[0]), address);
                throw new SecurityException("Too many failed logins from this address; retry in " + (left / 1000 + 1) + " s");
            }
        }
        return c;
    }

    /** Records a failed login, logs it (never the password), and refuses the connection. */
    SecurityException failed(String name, String address) {
        failures.compute(address, (k, v) -> v == null ? new long[] { 1, clock.getAsLong() } : new long[] { v[0] + 1, clock.getAsLong() });
        LOG.warn("Remote JMX: failed login for account '{}' from {}", printable(name), address);
        return new SecurityException("Wrong account name or password, or account disabled");
    }

    void succeeded(String name, String address, Object how) {
        failures.remove(address);
        LOG.info("Remote JMX: '{}' logged in from {} ({})", name, address, how);
    }

    /** @return the address of the client whose connection is being authenticated */
    static String clientAddress() {
        try {
            return RemoteServer.getClientHost();
        } catch (ServerNotActiveException e) {
            return "this JVM";
        }
    }

    static String printable(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
