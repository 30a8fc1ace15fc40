package jqm.api.security;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The accounts of the cluster, stored in its database. Passwords are kept as slow salted hashes and
 * never returned; methods that set one return it (when generated) once, for the caller to hand over.
 * Thread-safe. Invalid arguments (unknown account, empty role set, bad name) throw
 * {@link IllegalArgumentException} with a message saying what is wrong.
 */
@ProviderType
public interface Accounts {

    /**
     * The HTTP request attribute in which JQM's servlet context puts the request's authenticated
     * {@link Account}, for every servlet of JQM's context to check roles.
     */
    String REQUEST_ATTRIBUTE = "jqm.account";

    /**
     * Checks a name and password.
     *
     * @return the account when the password is right and the account is enabled and not expired;
     *         empty otherwise (which of these failed is not told)
     */
    Optional<Account> authenticate(String name, char[] password);

    /** @return the account of that name, usable or not */
    Optional<Account> find(String name);

    /** @return every account, by name */
    List<Account> list();

    /**
     * Creates an account with a generated password.
     *
     * @return the generated password, to hand over once: it is not kept in clear anywhere
     */
    String create(String name, Set<Role> roles, Instant expires);

    /** Changes the roles, enabled flag and expiry of an account. */
    void update(String name, Set<Role> roles, boolean enabled, Instant expires);

    /** @return a new generated password for the account, which replaces the old one */
    String resetPassword(String name);

    /** Sets a password chosen by an operator (at least 12 characters). */
    void setPassword(String name, char[] password);
}
