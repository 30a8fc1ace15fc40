package jqm.engine.store;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import javax.persistence.EntityManagerFactory;
import javax.sql.DataSource;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jdbc.DataSourceFactory;
import org.osgi.service.jpa.EntityManagerFactoryBuilder;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import jqm.api.security.SecretFile;

/**
 * The node's database: a bounded pool of connections (HikariCP) over the JDBC driver's
 * {@link DataSourceFactory}, published as a {@link DataSource} service ({@code osgi.jndi.service.name=jqm}),
 * and the persistence unit {@code jqm} built on it through Aries JPA's {@link EntityManagerFactoryBuilder}.
 * Every connection of the engine comes from this pool. A configuration change closes both and opens
 * them again (the engine restarts on the new database).
 */
@Component(immediate = true, configurationPid = Database.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = Database.Config.class)
public class Database {
    public static final String PID = "jqm.db";
    /** The name of the pool (in HikariCP's log lines) and of the DataSource service. */
    public static final String NAME = "jqm";
    /** The service property of the DataSource that gives the network timeout of the hot path (ms, 0 for none). */
    public static final String NETWORK_TIMEOUT = "jqm.network.timeout.ms";

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    @ObjectClassDefinition(name = "JQM database", description = "The database of the node and its pool of connections")
    public @interface Config {
        @AttributeDefinition(name = "JDBC driver", description = "The driver class: org.h2.Driver, org.postgresql.Driver (its bundle registers a DataSourceFactory for it)")
        String driver() default "org.h2.Driver";

        @AttributeDefinition(name = "JDBC URL")
        String url() default "jdbc:h2:./db/jqm;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";

        @AttributeDefinition(name = "User")
        String user() default "jqm";

        @AttributeDefinition(name = "Password", description = "By reference: ${env:NAME} takes it from the environment", type = AttributeType.PASSWORD)
        String password() default "";

        @AttributeDefinition(name = "Password file", description = "A file whose first line is the password (owner-only); wins over password; relative to the node root")
        String password_file() default "";

        @AttributeDefinition(name = "Pool size", description = "At most this many connections to the database; the PostgreSQL notification listener holds one of them for good", min = "2")
        int pool_max_size() default 10;

        @AttributeDefinition(name = "Idle connections kept", description = "Connections kept open when idle (at most the pool size)", min = "0")
        int pool_min_idle() default 2;

        @AttributeDefinition(name = "Connection timeout (ms)", description = "How long a transaction waits for a connection (all in use, or the database unreachable) before it fails", min = "250")
        long pool_connection_timeout_ms() default 10_000;

        @AttributeDefinition(name = "Idle timeout (ms)", description = "An idle connection beyond the idle ones kept is closed after this long", min = "10000")
        long pool_idle_timeout_ms() default 600_000;

        @AttributeDefinition(name = "Network timeout (ms)", description = "On PostgreSQL, how long the node waits for each answer of the database before it drops the connection and fails as on any database failure: a database host or network gone silent does not hang the node (to the millisecond on the hot path of claims, starts, ends and enqueues, in whole seconds elsewhere; the schema migration at start waits as long as it takes). 0: wait forever", min = "0")
        long network_timeout_ms() default 60_000;

        @AttributeDefinition(name = "Maximum lifetime (ms)", description = "A connection is replaced once it has been open this long (when not in use); keep it below any timeout of the database or network", min = "30000")
        long pool_max_lifetime_ms() default 1_800_000;
    }

    private final HikariDataSource pool;
    private final EntityManagerFactory emf;
    private final ServiceRegistration<DataSource> registration;

    /**
     * @param drivers every JDBC driver's factory: the one of {@code driver} is used; another arriving
     *            reactivates this component (greedy), which is how a driver installed late is picked up
     */
    @Activate
    public Database(Config config, Map<String, Object> properties, BundleContext context,
            @Reference(name = "unit", target = "(osgi.unit.name=jqm)") EntityManagerFactoryBuilder builder,
            @Reference(name = "drivers", cardinality = ReferenceCardinality.MULTIPLE, policyOption = ReferencePolicyOption.GREEDY)
            List<Map.Entry<Map<String, Object>, DataSourceFactory>> drivers) throws SQLException {
        Optional<DataSourceFactory> driver = drivers.stream()
                .filter(d -> config.driver().equals(d.getKey().get(DataSourceFactory.OSGI_JDBC_DRIVER_CLASS)))
                .map(Map.Entry::getValue).findFirst();
        if (driver.isEmpty()) {
            LOG.warn("Database: no JDBC driver {} in the node (no DataSourceFactory service for it); waiting for its bundle",
                    config.driver());
            pool = null;
            emf = null;
            registration = null;
            return;
        }
        pool = new HikariDataSource(poolConfig(config, driver.get().createDataSource(connectionProperties(config))));
        LOG.info("Database: {} as {}, a pool of at most {} connections (waiting at most {} ms for one)", withoutQuery(config.url()),
                config.user(), pool.getMaximumPoolSize(), pool.getConnectionTimeout());
        try {
            Map<String, Object> unit = new HashMap<>();
            // OpenJPA settings of the persistence unit (openjpa.jdbc.Schema...) may come with the database.
            properties.forEach((k, v) -> {
                if (k.startsWith("openjpa.")) {
                    unit.put(k, v);
                }
            });
            unit.put("javax.persistence.nonJtaDataSource", pool);
            emf = builder.createEntityManagerFactory(unit);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.jndi.service.name", NAME);
        props.put(DataSourceFactory.JDBC_DATASOURCE_NAME, NAME);
        props.put(DataSourceFactory.OSGI_JDBC_DRIVER_CLASS, config.driver());
        props.put("pool.max.size", pool.getMaximumPoolSize());
        props.put(NETWORK_TIMEOUT, config.network_timeout_ms());
        registration = context.registerService(DataSource.class, unclosable(pool), props);
    }

    @Deactivate
    void deactivate() {
        try {
            if (registration != null) {
                registration.unregister();
            }
            if (emf != null) {
                emf.close(); // unregisters the EntityManagerFactory service first: the engine stops using it
            }
        } finally {
            if (pool != null) {
                pool.close();
            }
        }
    }

    /** What the driver's factory needs to open one connection. */
    static Properties connectionProperties(Config config) {
        Properties p = new Properties();
        p.setProperty(DataSourceFactory.JDBC_URL, config.url());
        if (!config.user().isEmpty()) {
            p.setProperty(DataSourceFactory.JDBC_USER, config.user());
        }
        p.setProperty(DataSourceFactory.JDBC_PASSWORD, password(config));
        if (config.url().startsWith("jdbc:postgresql:") && config.network_timeout_ms() > 0) {
            // Every connection waits at most the network timeout for each answer (the driver's default, in whole
            // seconds): JPA's too, which take connections from the pool as they go. The hot path sets it to the
            // millisecond on its own (Store); the schema migration lifts it (Schema).
            p.setProperty("socketTimeout", Long.toString((config.network_timeout_ms() + 999) / 1000));
        }
        return p;
    }

    static HikariConfig poolConfig(Config config, DataSource direct) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(NAME);
        c.setDataSource(direct);
        c.setMaximumPoolSize(config.pool_max_size());
        c.setMinimumIdle(Math.min(config.pool_min_idle(), config.pool_max_size()));
        c.setConnectionTimeout(config.pool_connection_timeout_ms());
        c.setIdleTimeout(config.pool_idle_timeout_ms());
        c.setMaxLifetime(config.pool_max_lifetime_ms());
        // A database down when the node starts is an outage like any other: the pool starts, and each
        // transaction fails after the connection timeout until the database is back.
        c.setInitializationFailTimeout(-1);
        if (config.url().startsWith("jdbc:postgresql:")) {
            // The node's inserts of waiting instances are notified by the node once committed (Store), not by the
            // trigger inside their transaction: see changeset 6 (0005-notify-after-commit.xml).
            c.setConnectionInitSql("SET jqm.notify = '" + PostgresSql.NOTIFY_AFTER_COMMIT + "'");
        }
        return c;
    }

    /** The password: the first line of password.file when it is set, or password (given as ${env:NAME}). */
    static String password(Config config) {
        if (config.password_file().isEmpty()) {
            return config.password();
        }
        if (!config.password().isEmpty()) {
            LOG.warn("Database: both password and password.file are set in conf/jqm.db.cfg; password.file is used");
        }
        SecretFile file = new SecretFile(Paths.get(config.password_file()));
        try {
            if (file.readableByOthers()) {
                LOG.warn("The database password file {} is readable by other accounts: chmod 600 it", file.path());
            }
            return file.read();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the database password file " + file.path() + ": " + e, e);
        }
    }

    /** The URL as it may be logged: without its query, which may hold credentials. */
    static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?...";
    }

    /** The pool as other bundles see it: a DataSource they cannot close. */
    private static DataSource unclosable(DataSource pool) {
        return (DataSource) Proxy.newProxyInstance(Database.class.getClassLoader(), new Class<?>[] { DataSource.class },
                (proxy, method, args) -> {
                    try {
                        return method.invoke(pool, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
