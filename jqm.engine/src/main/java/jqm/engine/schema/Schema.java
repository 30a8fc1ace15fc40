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
 * <p>Nodes starting together: Liquibase's own lock (the table DATABASECHANGELOGLOCK) is not enough. Liquibase
 * 4.33 creates its DATABASECHANGELOG table while parsing the changelog, before it takes that lock, and on an empty
 * PostgreSQL database all nodes but one then fail ("duplicate key value violates unique constraint
 * pg_type_typname_nsp_index"; seen with four connections updating at once). So on PostgreSQL a node first takes a
 * session advisory lock, for the whole check: one node migrates, the others wait and find nothing to run. The server
 * releases that lock when a node dies, and the Liquibase lock row a dead node leaves is released by the next one
 * (otherwise every node would wait for it five minutes, then fail). The embedded database has one node.
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

    /**
     * Every changeset of the changelog, as {@code FILE::ID} (Liquibase's file path and id), those for
     * PostgreSQL only marked with {@link #POSTGRESQL_ONLY}. Kept equal to the changelog by SchemaTest.
     */
    static final List<String> CHANGESETS = List.of("jqm/engine/schema/0001-tables.xml::1",
            "jqm/engine/schema/0002-postgresql-claims.xml::2" + Schema.POSTGRESQL_ONLY, "jqm/engine/schema/0003-native-enqueue.xml::3",
            "jqm/engine/schema/0003-native-enqueue.xml::4" + Schema.POSTGRESQL_ONLY, "jqm/engine/schema/0004-lookup-indexes.xml::5");
    static final String POSTGRESQL_ONLY = " (postgresql)";

    /** @return the changesets a database of this kind runs, as {@code FILE::ID} */
    static java.util.Set<String> changesets(boolean postgres) {
        return CHANGESETS.stream().filter(cs -> postgres || !cs.endsWith(POSTGRESQL_ONLY)).map(cs -> cs.replace(POSTGRESQL_ONLY, ""))
                .collect(java.util.stream.Collectors.toSet());
    }

    /**
     * Whether the database recorded every changeset of this version already: the usual case at a
     * node's start, answered by one query without loading Liquibase (whose parsing of the changelog
     * and checks took about two seconds of every start). Any doubt (no changelog table yet, a
     * changeset missing) goes to Liquibase.
     */
    private static boolean upToDate(Connection c, boolean postgres) throws SQLException {
        java.util.Set<String> recorded = new java.util.HashSet<>();
        try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT filename, id FROM databasechangelog")) {
            while (rs.next()) {
                recorded.add(rs.getString(1) + "::" + rs.getString(2));
            }
        } catch (SQLException e) {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            return false;
        }
        return recorded.containsAll(changesets(postgres));
    }

    private static List<String> migrate(Connection c) throws Exception {
        boolean postgres = "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
        if (upToDate(c, postgres)) {
            LOG.info("Database schema up to date");
            return List.of();
        }
        boolean autoCommit = c.getAutoCommit();
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
            c.setAutoCommit(autoCommit); // as Liquibase found it (it turns it off)
            if (postgres) {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")");
                } catch (SQLException e) {
                    LOG.warn("Releasing the schema migration lock failed; it goes when the connection closes", e);
                }
            }
        }
    }

    private static List<String> update(Connection c, boolean postgres) throws Exception {
        Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
        // Not closed: closing Liquibase closes the connection, which must outlive it to release the advisory lock
        // on this session (a pooled connection would keep it); the caller closes the connection.
        @SuppressWarnings("resource")
        Liquibase liquibase = new Liquibase(CHANGELOG, new BundleResources(Schema.class.getClassLoader()), database);
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
