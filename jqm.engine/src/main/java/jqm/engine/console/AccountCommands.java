package jqm.engine.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import jqm.api.security.Account;
import jqm.api.security.Accounts;
import jqm.api.security.Role;

/** The {@code jqm:users}, {@code useradd}, {@code usermod} and {@code passwd} console commands. */
@Component(service = AccountCommands.class)
@GogoCommand(scope = "jqm", function = { "users", "useradd", "usermod", "passwd" })
public class AccountCommands {
    private final Accounts accounts;

    @Activate
    public AccountCommands(@Reference Accounts accounts) {
        this.accounts = accounts;
    }

    @Descriptor("Lists the accounts of the cluster")
    public String users() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] { "ACCOUNT", "ROLES", "ENABLED", "EXPIRES" });
        for (Account a : accounts.list()) {
            rows.add(new String[] { a.name(), roles(a.roles()), a.enabled() ? "yes" : "no",
                    a.expires() == null ? "never" : a.expires().toString() });
        }
        return Table.format(rows);
    }

    @Descriptor("Creates an account and prints its generated password, once")
    public String useradd(
            @Descriptor("expiry: an ISO instant (2027-01-01T00:00:00Z) or a delay such as +2160h") @Parameter(names = { "--expires" }, absentValue = "") String expires,
            @Descriptor("account name") String name,
            @Descriptor("roles, comma separated: ADMINISTRATOR, OPERATOR, CLIENT, VIEWER") String roles) {
        String password = accounts.create(name, parse(roles), expires.isEmpty() ? null : Commands.instant(expires));
        return "Account " + name + " created. Its password (shown once): " + password;
    }

    @Descriptor("Changes the roles, enabled flag or expiry of an account")
    public String usermod(
            @Descriptor("new roles, comma separated") @Parameter(names = { "--roles" }, absentValue = "") String roles,
            @Descriptor("true or false") @Parameter(names = { "--enabled" }, absentValue = "") String enabled,
            @Descriptor("expiry, an ISO instant, or 'never'") @Parameter(names = { "--expires" }, absentValue = "") String expires,
            @Descriptor("account name") String name) {
        Account a = accounts.find(name).orElseThrow(() -> new IllegalArgumentException("There is no account named '" + name + "'"));
        Set<Role> newRoles = roles.isEmpty() ? a.roles() : parse(roles);
        boolean newEnabled = enabled.isEmpty() ? a.enabled() : Boolean.parseBoolean(enabled);
        Instant newExpires = expires.isEmpty() ? a.expires() : expires.equals("never") ? null : Commands.instant(expires);
        accounts.update(name, newRoles, newEnabled, newExpires);
        return "Account " + name + ": roles " + roles(newRoles) + ", " + (newEnabled ? "enabled" : "disabled") + ", expires "
                + (newExpires == null ? "never" : newExpires);
    }

    @Descriptor("Gives an account a new generated password, printed once")
    public String passwd(@Descriptor("account name") String name) {
        return "New password of " + name + " (shown once): " + accounts.resetPassword(name);
    }

    private static Set<Role> parse(String roles) {
        Set<Role> result = EnumSet.noneOf(Role.class);
        for (String r : roles.split(",")) {
            try {
                result.add(Role.valueOf(r.trim().toUpperCase()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + r + "' is not a role; roles are " + List.of(Role.values()));
            }
        }
        return result;
    }

    private static String roles(Set<Role> roles) {
        return String.join(",", roles.stream().map(Role::name).sorted().toList());
    }
}
