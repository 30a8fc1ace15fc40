package jqm.api.security;

import java.time.Instant;
import java.util.Set;

/**
 * An account as the {@link Accounts} service describes it; never its password or hash.
 *
 * @param expires when the account stops being usable, or {@code null} for never
 */
public record Account(String name, Set<Role> roles, boolean enabled, Instant expires) {
    /** @return whether one of the account's roles allows what the needed role allows */
    public boolean may(Role needed) {
        return roles.stream().anyMatch(r -> r.allows(needed));
    }

    /** @return whether the account is enabled and not expired now */
    public boolean usable() {
        return enabled && (expires == null || expires.isAfter(Instant.now()));
    }
}
