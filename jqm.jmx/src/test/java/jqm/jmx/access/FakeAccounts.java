package jqm.jmx.access;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jqm.api.security.Account;
import jqm.api.security.Accounts;
import jqm.api.security.Role;

/** Accounts in memory: the two methods remote JMX uses, {@code authenticate} and {@code find}. */
final class FakeAccounts {
    final Map<String, Account> accounts = new HashMap<>();
    final Map<String, String> passwords = new HashMap<>();
    int finds;

    void add(String name, String password, Role... roles) {
        accounts.put(name, new Account(name, Set.of(roles), true, null));
        passwords.put(name, password);
    }

    void disable(String name) {
        Account a = accounts.get(name);
        accounts.put(name, new Account(name, a.roles(), false, null));
    }

    Accounts service() {
        return (Accounts) Proxy.newProxyInstance(Accounts.class.getClassLoader(), new Class<?>[] { Accounts.class }, (p, m, args) -> {
            switch (m.getName()) {
            case "find":
                finds++;
                return Optional.ofNullable(accounts.get((String) args[0]));
            case "authenticate":
                Account a = accounts.get((String) args[0]);
                boolean right = a != null && Arrays.equals(passwords.get(a.name()).toCharArray(), (char[]) args[1]);
                return right && a.usable() ? Optional.of(a) : Optional.empty();
            default:
                throw new UnsupportedOperationException(m.getName());
            }
        });
    }
}
