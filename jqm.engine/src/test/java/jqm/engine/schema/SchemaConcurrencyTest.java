package jqm.engine.schema;

import static org.junit.Assert.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;

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
        TestSchema schema = TestSchema.create("race");
        List<EntityManagerFactory> units = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(NODES);
        try {
            for (int i = 0; i < NODES; i++) {
                units.add(Persistence.createEntityManagerFactory("jqm", schema.unit()));
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
            try (Connection c = schema.connect();
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT string_agg(id, ',' ORDER BY orderexecuted) FROM databasechangelog")) {
                r.next();
                assertEquals("1,2,3,4,5,6", r.getString(1));
            }
        } finally {
            pool.shutdownNow();
            units.forEach(EntityManagerFactory::close);
            schema.close();
        }
    }
}
