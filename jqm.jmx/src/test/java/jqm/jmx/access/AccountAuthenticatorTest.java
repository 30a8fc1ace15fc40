package jqm.jmx.access;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import javax.security.auth.Subject;

import org.junit.Test;

import jqm.api.security.Role;

public class AccountAuthenticatorTest {
    private final FakeAccounts accounts = new FakeAccounts();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AccountAuthenticator authenticator = new AccountAuthenticator(accounts.service(),
            new CurrentRoles(accounts.service(), now::get), now::get);

    private String refusal(Object credentials) {
        return assertThrows(SecurityException.class, () -> authenticator.authenticate(credentials)).getMessage();
    }

    @Test
    public void credentialsAreRequired() {
        assertTrue(refusal(null).startsWith("Authentication required"));
        assertTrue(refusal("alice").startsWith("Authentication required"));
        assertTrue(refusal(new String[] { "alice" }).startsWith("Authentication required"));
        assertTrue(refusal(new String[] { "alice", null }).startsWith("Authentication required"));
        assertTrue(refusal(new Object[] { "alice", "pw" }).startsWith("Authentication required"));
    }

    @Test
    public void aRightPasswordGivesTheAccountsPrincipal() {
        accounts.add("alice", "alice-password", Role.VIEWER);
        Subject s = authenticator.authenticate(new String[] { "alice", "alice-password" });
        assertEquals(java.util.Set.of(new AccountPrincipal("alice")), s.getPrincipals());
        assertTrue("a subject that cannot be changed", s.isReadOnly());
        assertTrue(refusal(new String[] { "alice", "wrong" }).startsWith("Wrong account name or password"));
        assertTrue(refusal(new String[] { "bob", "alice-password" }).startsWith("Wrong account name or password"));
    }

    @Test
    public void accountsThatMayNotReadEverythingAreRefused() {
        accounts.add("client", "client-password", Role.CLIENT);
        assertEquals("This account may not use JMX", refusal(new String[] { "client", "client-password" }));
        accounts.add("off", "off-password", Role.ADMINISTRATOR);
        accounts.disable("off");
        assertTrue(refusal(new String[] { "off", "off-password" }).startsWith("Wrong account name or password"));
    }

    @Test
    public void repeatedFailuresFromAnAddressAreSlowedDown() {
        accounts.add("alice", "alice-password", Role.VIEWER);
        for (int i = 0; i < Logins.FREE_FAILURES; i++) {
            refusal(new String[] { "alice", "guess" + i });
        }
        assertTrue(refusal(new String[] { "alice", "alice-password" }).startsWith("Too many failed logins"));
        now.addAndGet(1001);
        authenticator.authenticate(new String[] { "alice", "alice-password" });
        // A success forgets the failures.
        refusal(new String[] { "alice", "guess" });
        authenticator.authenticate(new String[] { "alice", "alice-password" });
    }
}
