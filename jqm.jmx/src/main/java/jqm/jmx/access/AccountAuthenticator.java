package jqm.jmx.access;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

import javax.management.remote.JMXAuthenticator;
import javax.security.auth.Subject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.api.security.Account;
import jqm.api.security.Accounts;

/**
 * Authenticates each remote JMX connection against the node's accounts. Every login is logged with
 * the client's address, success (INFO) or failure (WARN, never the password); repeated failures from
 * one address are slowed down. An account whose roles give it no {@link JmxRole} is refused.
 */
public final class AccountAuthenticator implements JMXAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(AccountAuthenticator.class);

    private final Accounts accounts;
    private final CurrentRoles roles;
    private final Logins logins;

    public AccountAuthenticator(Accounts accounts, CurrentRoles roles) {
        this(accounts, roles, System::currentTimeMillis);
    }

    AccountAuthenticator(Accounts accounts, CurrentRoles roles, LongSupplier clock) {
        this.accounts = accounts;
        this.roles = roles;
        this.logins = new Logins(clock);
    }

    @Override
    public Subject authenticate(Object credentials) {
        String address = Logins.clientAddress();
        String[] c = logins.credentials(credentials, address);
        char[] password = c[1].toCharArray();
        Optional<Account> account;
        try {
            account = accounts.authenticate(c[0], password);
        } catch (RuntimeException e) {
            LOG.error("Remote JMX: login of '{}' from {} could not be checked: {}", Logins.printable(c[0]), address, e.toString());
            throw new SecurityException("Authentication is unavailable now");
        } finally {
            Arrays.fill(password, '\0');
        }
        if (account.isEmpty()) {
            throw logins.failed(c[0], address);
        }
        Optional<JmxRole> role = JmxRole.of(account.get());
        if (role.isEmpty()) {
            LOG.warn("Remote JMX: account '{}' from {} refused: its roles {} do not include VIEWER, OPERATOR or ADMINISTRATOR",
                    Logins.printable(c[0]), address, account.get().roles());
            throw new SecurityException("This account may not use JMX");
        }
        String name = account.get().name();
        roles.remember(name, role.get());
        logins.succeeded(name, address, role.get());
        return new Subject(true, Set.of(new AccountPrincipal(name)), Set.of(), Set.of());
    }
}
