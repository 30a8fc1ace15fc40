package jqm.jmx.access;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.LongSupplier;

import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates each remote JMX connection against a JDK JMX password file, with the JDK's own
 * login module (the one {@code com.sun.management.jmxremote.password.file} uses, through JAAS), so
 * that logins are logged and repeated failures slowed down as with the node's accounts. Clear
 * passwords in the file are replaced by salted hashes when it is read. The subject holds a
 * {@link JMXPrincipal} of the name, which the JDK's access file controller checks.
 */
public final class PasswordFileAuthenticator implements JMXAuthenticator {
    /** The JDK's login module for JMX password files (in java.management). */
    private static final Logger LOG = LoggerFactory.getLogger(PasswordFileAuthenticator.class);
    private static final String FILE_LOGIN_MODULE = "com.sun.jmx.remote.security.FileLoginModule";
    private static final String NAME = "jqm-jmx-password-file";

    private final Configuration configuration;
    private final Logins logins;

    public PasswordFileAuthenticator(Path passwordFile) {
        this(passwordFile, System::currentTimeMillis);
    }

    PasswordFileAuthenticator(Path passwordFile, LongSupplier clock) {
        AppConfigurationEntry[] entries = { new AppConfigurationEntry(FILE_LOGIN_MODULE, AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                Map.of("passwordFile", passwordFile.toString(), "hashPasswords", "true")) };
        this.configuration = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return NAME.equals(name) ? entries : null;
            }
        };
        this.logins = new Logins(clock);
    }

    @Override
    public Subject authenticate(Object credentials) {
        String address = Logins.clientAddress();
        String[] c = logins.credentials(credentials, address);
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        // JAAS loads the module through the context class loader: the JDK's, where the module is.
        thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            LoginContext login = new LoginContext(NAME, new Subject(), callbacks -> {
                for (javax.security.auth.callback.Callback cb : callbacks) {
                    if (cb instanceof NameCallback n) {
                        n.setName(c[0]);
                    } else if (cb instanceof PasswordCallback p) {
                        p.setPassword(c[1].toCharArray());
                    } else {
                        throw new UnsupportedCallbackException(cb);
                    }
                }
            }, configuration);
            login.login();
            Subject s = login.getSubject();
            s.setReadOnly();
            logins.succeeded(c[0], address, "password file");
            return s;
        } catch (FailedLoginException e) {
            throw logins.failed(c[0], address);
        } catch (LoginException e) {
            LOG.error("Remote JMX: login of '{}' from {} could not be checked: {}", Logins.printable(c[0]), address, e.getMessage());
            throw new SecurityException("Authentication is unavailable now");
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
