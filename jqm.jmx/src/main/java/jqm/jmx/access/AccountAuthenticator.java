package jqm.jmx.access;

import java.rmi.server.RemoteServer;
import java.rmi.server.ServerNotActiveException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import javax.management.remote.JMXAuthenticator;
import javax.security.auth.Subject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.api.security.Account;
import jqm.api.security.Accounts;

/**
 * Authenticates each remote JMX connection against the node's accounts: the credentials are what
 * JConsole and {@code JMXConnector.CREDENTIALS} send, {@code String[] {account, password}}. Every
 * login is logged with the client's address, success (INFO) or failure (WARN, never the password);
 * after {@value #FREE_FAILURES} failures from one address, logins from it are refused for a growing time.
 */
public final class AccountAuthenticator implements JMXAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(AccountAuthenticator.class);
    static final int FREE_FAILURES = 5;

    private final Accounts accounts;
    private final CurrentRoles roles;
    private final LongSupplier clock;
    /** Failed logins by client address: count, and the time of the last one. */
    private final Map<String, long[]> failures = new ConcurrentHashMap<>();

    public AccountAuthenticator(Accounts accounts, CurrentRoles roles) {
        this(accounts, roles, System::currentTimeMillis);
    }

    AccountAuthenticator(Accounts accounts, CurrentRoles roles, LongSupplier clock) {
        this.accounts = accounts;
        this.roles = roles;
        this.clock = clock;
    }

    @Override
    public Subject authenticate(Object credentials) {
        String address = clientAddress();
        if (!(credentials instanceof String[] c) || c.length != 2 || c[0] == null || c[1] == null) {
            LOG.warn("Remote JMX: connection without credentials from {} refused", address);
            throw new SecurityException("Authentication required: credentials are String[] {account, password}");
        }
        String name = c[0];
        long[] f = failures.get(address);
        if (f != null && f[0] >= FREE_FAILURES) {
            long waitMs = Math.min(300_000L, 1000L << Math.min(f[0] - FREE_FAILURES, 8));
            long left = f[1] + waitMs - clock.getAsLong();
            if (left > 0) {
                LOG.warn("Remote JMX: login of '{}' from {} refused: too many failed logins from that address", printable(name), address);
                throw new SecurityException("Too many failed logins from this address; retry in " + (left / 1000 + 1) + " s");
            }
        }
        char[] password = c[1].toCharArray();
        Optional<Account> account;
        try {
            account = accounts.authenticate(name, password);
        } catch (RuntimeException e) {
            LOG.error("Remote JMX: login of '{}' from {} could not be checked: {}", printable(name), address, e.toString());
            throw new SecurityException("Authentication is unavailable now");
        } finally {
            Arrays.fill(password, '\0');
        }
        if (account.isEmpty()) {
            failures.compute(address, (k, v) -> v == null ? new long[] { 1, clock.getAsLong() } : new long[] { v[0] + 1, clock.getAsLong() });
            LOG.warn("Remote JMX: failed login for account '{}' from {}", printable(name), address);
            throw new SecurityException("Wrong account name or password, or account disabled");
        }
        failures.remove(address);
        Optional<JmxRole> role = JmxRole.of(account.get());
        if (role.isEmpty()) {
            LOG.warn("Remote JMX: account '{}' from {} refused: its roles {} do not include VIEWER, OPERATOR or ADMINISTRATOR",
                    printable(name), address, account.get().roles());
            throw new SecurityException("This account may not use JMX");
        }
        roles.remember(account.get().name(), role.get());
        LOG.info("Remote JMX: '{}' logged in from {} ({})", account.get().name(), address, role.get());
        return new Subject(true, Set.of(new AccountPrincipal(account.get().name())), Set.of(), Set.of());
    }

    private static String clientAddress() {
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
