package jqm.jmx.access;

import java.security.Principal;
import java.util.Objects;

/**
 * The account of an authenticated remote JMX connection, in its {@link javax.security.auth.Subject}.
 * Its name is the account's, so that the connector's connection ids name the account.
 */
public final class AccountPrincipal implements Principal {
    private final String name;

    public AccountPrincipal(String name) {
        this.name = Objects.requireNonNull(name);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccountPrincipal p && p.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "account " + name;
    }
}
