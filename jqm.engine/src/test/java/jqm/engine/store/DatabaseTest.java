package jqm.engine.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.Test;
import org.osgi.service.jdbc.DataSourceFactory;

import com.zaxxer.hikari.HikariConfig;

public class DatabaseTest {

    /** The configuration as SCR builds it from conf/jqm.db.cfg: the defaults, and the keys given. */
    private static Database.Config config(Map<String, Object> keys) {
        return (Database.Config) Proxy.newProxyInstance(DatabaseTest.class.getClassLoader(), new Class<?>[] { Database.Config.class },
                (proxy, method, args) -> keys.getOrDefault(method.getName().replace('_', '.'), method.getDefaultValue()));
    }

    @Test
    public void thePoolIsBoundedAndTimesOut() {
        HikariConfig c = Database.poolConfig(config(Map.of("pool.max.size", 4, "pool.min.idle", 9, "pool.connection.timeout.ms", 1500L)), null);
        assertEquals(4, c.getMaximumPoolSize());
        assertEquals("no more idle connections than the pool holds", 4, c.getMinimumIdle());
        assertEquals(1500, c.getConnectionTimeout());
        assertEquals(600_000, c.getIdleTimeout());
        assertEquals(1_800_000, c.getMaxLifetime());
        assertEquals("a database down at start does not stop the pool", -1, c.getInitializationFailTimeout());
    }

    @Test
    public void thePasswordComesFromTheFirstLineOfItsFileFirst() throws Exception {
        Path f = Files.createTempFile("db", ".password");
        try {
            Files.writeString(f, "s3cret\n");
            Properties p = Database.connectionProperties(config(Map.of("url", "jdbc:postgresql://db/jqm", "password", "other",
                    "password.file", f.toString())));
            assertEquals("s3cret", p.getProperty(DataSourceFactory.JDBC_PASSWORD));
            assertEquals("jdbc:postgresql://db/jqm", p.getProperty(DataSourceFactory.JDBC_URL));
            assertEquals("jqm", p.getProperty(DataSourceFactory.JDBC_USER));
        } finally {
            Files.delete(f);
        }
        assertEquals("from the environment, through FileInstall", "env-value",
                Database.connectionProperties(config(Map.of("password", "env-value"))).getProperty(DataSourceFactory.JDBC_PASSWORD));
    }

    @Test
    public void aMissingPasswordFileIsNamed() {
        try {
            Database.password(config(Map.of("password.file", "/nonexistent/db.password")));
            throw new AssertionError("no error");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("/nonexistent/db.password"));
        }
    }

    @Test
    public void theLoggedUrlHasNoQuery() {
        assertEquals("jdbc:postgresql://db/jqm?...", Database.withoutQuery("jdbc:postgresql://db/jqm?password=x"));
        assertEquals("jdbc:h2:./db/jqm;WRITE_DELAY=0", Database.withoutQuery("jdbc:h2:./db/jqm;WRITE_DELAY=0"));
    }

    @Test
    public void onPostgresqlEveryConnectionWaitsAtMostTheNetworkTimeoutInWholeSeconds() {
        assertEquals("2", Database.connectionProperties(config(Map.of("url", "jdbc:postgresql://db/jqm", "network.timeout.ms", 1500L)))
                .getProperty("socketTimeout"));
        assertEquals("60", Database.connectionProperties(config(Map.of("url", "jdbc:postgresql://db/jqm"))).getProperty("socketTimeout"));
        assertEquals("0: none", null, Database.connectionProperties(config(Map.of("url", "jdbc:postgresql://db/jqm", "network.timeout.ms", 0L)))
                .getProperty("socketTimeout"));
        assertEquals("not for the embedded database", null, Database.connectionProperties(config(Map.of())).getProperty("socketTimeout"));
    }
}
