package jqm.engine.schema;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.UUID;

import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;

import org.junit.Test;

/**
 * The list of changesets the start-up check compares with DATABASECHANGELOG is the changelog's: on an
 * empty database Liquibase applies exactly those (on H2, and on PostgreSQL when the tests have one),
 * and the next start finds the schema up to date without running Liquibase. A changeset added to the
 * changelog but not to {@link Schema#CHANGESETS} fails here.
 */
public class SchemaTest {
    private static void check(Map<String, Object> props, boolean postgres) {
        EntityManagerFactory emf = Persistence.createEntityManagerFactory("jqm", props);
        try {
            assertEquals("what Liquibase applied on an empty database", Schema.changesets(postgres), new HashSet<>(new Schema(emf).applied()));
            assertTrue("the next start finds the schema up to date", new Schema(emf).applied().isEmpty());
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            emf.close();
        }
    }

    @Test
    public void onH2() {
        Map<String, Object> props = new HashMap<>();
        props.put("javax.persistence.jdbc.driver", "org.h2.Driver");
        props.put("javax.persistence.jdbc.url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        check(props, false);
    }

    @Test
    public void onPostgres() throws Exception {
        try (TestSchema schema = TestSchema.create("list")) {
            check(schema.unit(), true);
        }
    }
}
