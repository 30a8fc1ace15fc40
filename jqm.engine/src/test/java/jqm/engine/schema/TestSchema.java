package jqm.engine.schema;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.Assume;

/**
 * A PostgreSQL schema of a test's own, on the database the tests have (JQM_IT_PG_URL, USER and
 * PASSWORD, as ./test sets): the test is skipped without one. Closing drops the schema.
 */
public final class TestSchema implements AutoCloseable {
    final String url = System.getenv("JQM_IT_PG_URL");
    final String user = System.getenv("JQM_IT_PG_USER");
    final String password = System.getenv("JQM_IT_PG_PASSWORD");
    final String name;

    private TestSchema(String prefix) throws SQLException {
        Assume.assumeTrue("no PostgreSQL for the tests (./test provides one)", url != null);
        name = prefix + "_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + name);
        }
    }

    public static TestSchema create(String prefix) throws SQLException {
        return new TestSchema(prefix);
    }

    /** @return the URL of a connection working in this schema */
    public String schemaUrl() {
        return url + "?currentSchema=" + name;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(schemaUrl(), user, password);
    }

    /** @return the properties of a persistence unit on this schema, as a node would have them */
    public Map<String, Object> unit() {
        Map<String, Object> p = new HashMap<>();
        p.put("javax.persistence.jdbc.driver", "org.postgresql.Driver");
        p.put("javax.persistence.jdbc.url", schemaUrl());
        p.put("javax.persistence.jdbc.user", user);
        p.put("javax.persistence.jdbc.password", password);
        p.put("openjpa.jdbc.Schema", name);
        return p;
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + name + " CASCADE");
        }
    }
}
