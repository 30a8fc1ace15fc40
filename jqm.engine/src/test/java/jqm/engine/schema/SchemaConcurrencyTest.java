package jqm.engine.schema;

import static org.junit.Assert.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;

import org.junit.Assume;
import org.junit.Test;

/**
 * Nodes migrating an empty PostgreSQL database at the same moment (each its own persistence unit and connection,
 * as separate nodes): all succeed, one applies the changelog, the others find it applied, each changeset runs once.
 * Liquibase alone fails this (it creates DATABASECHANGELOG before taking its lock). Runs when the tests have a
 * PostgreSQL (JQM_IT_PG_URL, as ./test sets).
 */
public class SchemaConcurrencyTest {
    private static final int NODES = 4;

    @Test
    public void nodesMigratingAnEmptyDatabaseTogetherAllSucceedAndEachChangesetRunsOnce() throws Exception {
        String url = System.getenv("JQM_IT_PG_URL");
        Assume.assumeTrue("no PostgreSQL for the tests (./test provides one)", url != null);
        String user = System.getenv("JQM_IT_PG_USER");
        String password = System.getenv("JQM_IT_PG_PASSWORD");
        String schema = "race_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        List<EntityManagerFactory> units = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(NODES);
        try {
            for (int i = 0; i < NODES; i++) {
                Map<String, Object> p = new HashMap<>();
                p.put("javax.persistence.jdbc.driver", "org.postgresql.Driver");
                p.put("javax.persistence.jdbc.url", url + "?currentSchema=" + schema);
                p.put("javax.persistence.jdbc.user", user);
                p.put("javax.persistence.jdbc.password", password);
                p.put("openjpa.jdbc.Schema", schema);
                units.add(Persistence.createEntityManagerFactory("jqm", p));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<String>>> migrations = new ArrayList<>();
            for (EntityManagerFactory emf : units) {
                migrations.add(pool.submit(() -> {
                    go.await();
                    return new Schema(emf).applied();
                }));
            }
            go.countDown();
            int migrated = 0;
            for (Future<List<String>> m : migrations) {
                migrated += m.get().isEmpty() ? 0 : 1; // throws when a node failed
            }
            assertEquals("nodes that applied the changelog", 1, migrated);
            try (Connection c = DriverManager.getConnection(url + "?currentSchema=" + schema, user, password);
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT string_agg(id, ',' ORDER BY orderexecuted) FROM databasechangelog")) {
                r.next();
                assertEquals("1,2,3,4,5", r.getString(1));
            }
        } finally {
            pool.shutdownNow();
            units.forEach(EntityManagerFactory::close);
            try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
