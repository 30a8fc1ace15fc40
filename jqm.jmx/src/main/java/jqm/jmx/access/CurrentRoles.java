package jqm.jmx.access;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import jqm.api.security.Accounts;

/**
 * The JMX role of each account as the cluster's accounts say now, reread at most every
 * {@link #MAX_AGE_MS} ms: an account disabled, expired or demoted while connected loses its rights
 * within that time, without one database read per JMX call (a console polls many attributes a second).
 */
public final class CurrentRoles {
    static final long MAX_AGE_MS = 10_000;

    private record Known(Optional<JmxRole> role, long readAt) {
    }

    private final Accounts accounts;
    private final LongSupplier clock;
    private final Map<String, Known> known = new ConcurrentHashMap<>();

    public CurrentRoles(Accounts accounts) {
        this(accounts, System::currentTimeMillis);
    }

    CurrentRoles(Accounts accounts, LongSupplier clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    /** @return the account's JMX role now, or empty when it may no longer use JMX (gone, disabled, expired, demoted) */
    public Optional<JmxRole> of(String account) {
        long now = clock.getAsLong();
        Known k = known.get(account);
        if (k == null || now - k.readAt() > MAX_AGE_MS || now < k.readAt()) {
            k = new Known(accounts.find(account).flatMap(JmxRole::of), now);
            known.put(account, k);
        }
        return k.role();
    }

    /** Records the role just checked by a login, so that the first calls need no second read. */
    void remember(String account, JmxRole role) {
        known.put(account, new Known(Optional.of(role), clock.getAsLong()));
    }
}
