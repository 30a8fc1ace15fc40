package jqm.engine.schema;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

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
 * The changesets a database has not run, applied by Liquibase. The only class of this bundle that
 * uses Liquibase: loaded once {@link Schema} has found work for it and started Liquibase's bundle.
 */
final class LiquibaseMigration {
    private static final Logger LOG = LoggerFactory.getLogger(LiquibaseMigration.class);

    private LiquibaseMigration() {
    }

    /** @return the ids of the changesets applied (empty when there were none to apply) */
    static List<String> update(Connection c, boolean postgres) throws Exception {
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
            return Scope.child(scope, () -> run(c, postgres));
        } finally {
            thread.setContextClassLoader(context);
        }
    }

    private static List<String> run(Connection c, boolean postgres) throws Exception {
        Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
        // Not closed: closing Liquibase closes the connection, which must outlive it to release the advisory lock
        // on this session (a pooled connection would keep it); the caller closes the connection.
        @SuppressWarnings("resource")
        Liquibase liquibase = new Liquibase(Schema.CHANGELOG, new BundleResources(Schema.class.getClassLoader()), database);
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
