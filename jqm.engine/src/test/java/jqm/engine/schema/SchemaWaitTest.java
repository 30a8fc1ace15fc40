package jqm.engine.schema;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;

import org.junit.Test;

/**
 * A node whose connections wait at most a second for each answer of PostgreSQL (the driver's socket
 * timeout, as the pool sets it from network.timeout.ms) starts while another node holds the migration
 * lock for longer: it waits for the lock as long as it takes, then finds or applies the changelog.
 * Runs when the tests have a PostgreSQL (JQM_IT_PG_URL, as ./test sets).
 */
public class SchemaWaitTest {
    @Test
    public void aMigrationWaitsForAnotherNodesLongerThanTheNetworkTimeout() throws Exception {
        TestSchema schema = TestSchema.create("wait");
        Map<String, Object> unit = new java.util.HashMap<>(schema.unit());
        unit.put("javax.persistence.jdbc.url", schema.schemaUrl() + "&socketTimeout=1");
        EntityManagerFactory emf = Persistence.createEntityManagerFactory("jqm", unit);
        ExecutorService starting = Executors.newSingleThreadExecutor();
        try (Connection other = schema.connect(); Statement s = other.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + 0x6A716D_5343L + ")"); // another node migrating
            Future<List<String>> migration = starting.submit(() -> new Schema(emf).applied());
            Thread.sleep(2_500);
            assertFalse("the node waits for the lock", migration.isDone());
            s.execute("SELECT pg_advisory_unlock(" + 0x6A716D_5343L + ")");
            assertEquals("the node applied the changelog once the lock was free", 6, migration.get(30, TimeUnit.SECONDS).size());
        } finally {
            starting.shutdownNow();
            emf.close();
            schema.close();
        }
    }
}
