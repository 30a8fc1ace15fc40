package jqm.jmx.access;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Collectors;

import javax.security.auth.Subject;

import org.junit.Test;

public class PasswordFileAuthenticatorTest {
    @Test
    public void theJdksPasswordFileAuthenticatesAndIsHashed() throws Exception {
        Path dir = Files.createTempDirectory("jmx-passwords");
        Path file = dir.resolve("jmxremote.password");
        Files.writeString(file, "# the JDK's format\nmonitor monitor-secret-1\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        PasswordFileAuthenticator a = new PasswordFileAuthenticator(file);

        Subject s = a.authenticate(new String[] { "monitor", "monitor-secret-1" });
        Set<String> names = s.getPrincipals().stream().map(java.security.Principal::getName).collect(Collectors.toSet());
        assertEquals(Set.of("monitor"), names);
        assertTrue(s.isReadOnly());
        assertFalse("the clear password was replaced by a hash", Files.readString(file).contains("monitor-secret-1"));
        // And the hash still authenticates.
        a.authenticate(new String[] { "monitor", "monitor-secret-1" });

        assertTrue(assertThrows(SecurityException.class, () -> a.authenticate(new String[] { "monitor", "wrong" })).getMessage()
                .startsWith("Wrong account name or password"));
        assertTrue(assertThrows(SecurityException.class, () -> a.authenticate(new String[] { "nobody", "monitor-secret-1" }))
                .getMessage().startsWith("Wrong account name or password"));
        assertTrue(assertThrows(SecurityException.class, () -> a.authenticate(null)).getMessage().startsWith("Authentication required"));
    }
}
