package jqm.engine.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;

import org.apache.openjpa.persistence.OpenJPAPersistence;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


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
            "jqm/engine/schema/0003-native-enqueue.xml::4" + Schema.POSTGRESQL_ONLY, "jqm/engine/schema/0004-lookup-indexes.xml::5",
            "jqm/engine/schema/0005-notify-after-commit.xml::6" + Schema.POSTGRESQL_ONLY);
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
            // A migration (or the wait for another node's) takes what it takes: no network timeout on this connection
            // (the pool sets it back when the connection returns).
            Connection pooled = c instanceof org.apache.openjpa.lib.jdbc.DelegatingConnection d ? d.getInnermostDelegate() : c;
            pooled.setNetworkTimeout(Runnable::run, 0);
            try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + MIGRATION_LOCK + ")")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    LOG.info("Another node is checking or migrating the database schema: waiting for it");
                    st.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
                }
            }
        }
        try {
            startLiquibase();
            return LiquibaseMigration.update(c, postgres);
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

    /** The symbolic name of Liquibase's bundle. */
    static final String LIQUIBASE = "org.liquibase.core";

    /**
     * Starts Liquibase's bundle, which the node leaves installed but not started (its start level is
     * above the framework's): starting it registers its hundreds of services (SPI Fly reads its
     * service loader files, loading each class), about a second of every start on two cores, that
     * only a migration needs. Started before any of its classes is loaded, so that SPI Fly knows it.
     * Outside a framework (unit tests) there is nothing to start.
     */
    private static void startLiquibase() throws org.osgi.framework.BundleException {
        org.osgi.framework.Bundle own = org.osgi.framework.FrameworkUtil.getBundle(Schema.class);
        if (own == null || own.getBundleContext() == null) {
            return;
        }
        for (org.osgi.framework.Bundle b : own.getBundleContext().getBundles()) {
            if (LIQUIBASE.equals(b.getSymbolicName()) && b.getState() != org.osgi.framework.Bundle.ACTIVE) {
                int active = own.getBundleContext().getBundle(org.osgi.framework.Constants.SYSTEM_BUNDLE_LOCATION)
                        .adapt(org.osgi.framework.startlevel.FrameworkStartLevel.class).getStartLevel();
                org.osgi.framework.startlevel.BundleStartLevel level = b.adapt(org.osgi.framework.startlevel.BundleStartLevel.class);
                if (level.getStartLevel() > active) {
                    level.setStartLevel(active);
                }
                b.start(org.osgi.framework.Bundle.START_TRANSIENT);
                LOG.info("Liquibase started for the schema migration");
            }
        }
    }
}
