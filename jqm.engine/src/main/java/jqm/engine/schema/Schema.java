package jqm.engine.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;

import org.apache.openjpa.persistence.OpenJPAPersistence;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.changelog.ChangeSet;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.ui.LoggerUIService;

/**
 * The database schema at the changelog's latest version: while this component activates it applies the changesets
 * of {@value #CHANGELOG} the database has not run (all of them on an empty database), so that a component
 * referencing this service finds every table in place. Registered only when the migration succeeded; when it fails
 * the node has no store and says why.
 *
 * <p>Nodes starting together: Liquibase's lock (the table DATABASECHANGELOGLOCK) lets one node migrate while the
 * others wait, then they find nothing to run. On PostgreSQL the node first takes a session advisory lock, released
 * by the server when the node's connection ends: so a node killed while migrating leaves no lock behind, and the
 * Liquibase lock row such a node leaves is released by the next one.
 */
@Component(service = Schema.class)
public class Schema {
    /** The changelog, on this bundle's class path. */
    public static final String CHANGELOG = "jqm/engine/schema/changelog.xml";

    /** The advisory lock a node holds while it migrates (the same as the Store took for its DDL before migrations). */
    private static final long MIGRATION_LOCK = 0x6A716D_5343L;

    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);

    private final List<String> applied;

    @Activate
    public Schema(@Reference(target = "(osgi.unit.name=jqm)") EntityManagerFactory emf) throws Exception {
        EntityManager em = emf.createEntityManager();
        try {
            Connection c = (Connection) OpenJPAPersistence.cast(em).getConnection();
            try {
                applied = migrate(c);
            } finally {
                c.close();
            }
        } finally {
            em.close();
        }
    }

    /** @return the ids of the changesets this node applied at its start (empty when the schema was up to date) */
    public List<String> applied() {
        return applied;
    }

    private static List<String> migrate(Connection c) throws Exception {
        boolean postgres = "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
        if (postgres) {
            try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + MIGRATION_LOCK + ")")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    LOG.info("Another node is checking or migrating the database schema: waiting for it");
                    st.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
                }
            }
        }
        try {
            Map<String, Object> scope = Map.of(
                    // Liquibase finds its own services (databases, change types...) through its bundle's class loader.
                    Scope.Attr.classLoader.name(), Liquibase.class.getClassLoader(),
                    // Liquibase 4.30+ sends usage data to its vendor unless told not to.
                    "liquibase.analytics.enabled", Boolean.FALSE,
                    // Its log and its summary into the node's log, not java.util.logging's console and standard output.
                    Scope.Attr.logService.name(), new Slf4jLogService(),
                    Scope.Attr.ui.name(), new LoggerUIService(),
                    "liquibase.showSummaryOutput", "LOG");
            Thread thread = Thread.currentThread();
            ClassLoader context = thread.getContextClassLoader();
            thread.setContextClassLoader(Liquibase.class.getClassLoader());
            try {
                return Scope.child(scope, () -> update(c, postgres));
            } finally {
                thread.setContextClassLoader(context);
            }
        } finally {
            if (postgres) {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")");
                } catch (SQLException e) {
                    LOG.debug("Releasing the migration lock failed; it goes with the connection", e);
                }
            }
        }
    }

    private static List<String> update(Connection c, boolean postgres) throws Exception {
        Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
        try (Liquibase liquibase = new Liquibase(CHANGELOG, new BundleResources(Schema.class.getClassLoader()), database)) {
            if (postgres) {
                // Under the advisory lock no other node migrates: a lock row still set is a dead node's.
                liquibase.forceReleaseLocks();
            }
            List<ChangeSet> pending = liquibase.listUnrunChangeSets(null, null);
            if (pending.isEmpty()) {
                LOG.info("Database schema up to date");
                return List.of();
            }
            liquibase.update((String) null);
            List<String> ids = pending.stream().map(cs -> cs.getFilePath() + "::" + cs.getId()).toList();
            LOG.info("Database schema migrated: {}", ids);
            return ids;
        }
    }
}
