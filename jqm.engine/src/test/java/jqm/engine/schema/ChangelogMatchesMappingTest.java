package jqm.engine.schema;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;

import org.junit.Test;

/**
 * The changelog creates exactly what the entities map: a database migrated by {@link Schema} and one whose schema
 * OpenJPA builds from the mappings (what nodes did before migrations, buildSchema(ForeignKeys=true)) have the same
 * tables, columns (type, length, nullability), primary keys, unique constraints and sequences (with their
 * increments), on H2 and, when the tests have one (JQM_IT_PG_URL, as ./test sets), on PostgreSQL.
 */
public class ChangelogMatchesMappingTest {

    @Test
    public void onH2() throws Exception {
        String migrated = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        String built = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        compare(props("org.h2.Driver", migrated, "", "", null), props("org.h2.Driver", built, "", "", null), "PUBLIC", "PUBLIC");
    }

    @Test
    public void onPostgres() throws Exception {
        try (TestSchema a = TestSchema.create("cl"); TestSchema b = TestSchema.create("cl")) {
            compare(a.unit(), b.unit(), a.name, b.name);
        }
    }

    private static Map<String, Object> props(String driver, String url, String user, String password, String schema) {
        Map<String, Object> p = new HashMap<>();
        p.put("javax.persistence.jdbc.driver", driver);
        p.put("javax.persistence.jdbc.url", url);
        p.put("javax.persistence.jdbc.user", user);
        p.put("javax.persistence.jdbc.password", password);
        if (schema != null) {
            p.put("openjpa.jdbc.Schema", schema);
        }
        return p;
    }

    private static void compare(Map<String, Object> migratedProps, Map<String, Object> builtProps, String migratedSchema,
            String builtSchema) throws Exception {
        EntityManagerFactory migrated = Persistence.createEntityManagerFactory("jqm", migratedProps);
        Map<String, Object> build = new HashMap<>(builtProps);
        build.put("openjpa.jdbc.SynchronizeMappings", "buildSchema(ForeignKeys=true)");
        EntityManagerFactory built = Persistence.createEntityManagerFactory("jqm", build);
        try {
            new Schema(migrated);
            EntityManager em = built.createEntityManager();
            em.createQuery("SELECT COUNT(n) FROM Node n").getSingleResult(); // OpenJPA builds its schema on first use
            em.close();
            Map<String, TreeSet<String>> expected = describe(builtProps, builtSchema);
            Map<String, TreeSet<String>> actual = describe(migratedProps, migratedSchema);
            assertFalse("OpenJPA built no table", expected.get("columns").isEmpty());
            for (String part : expected.keySet()) {
                TreeSet<String> missing = new TreeSet<>(expected.get(part));
                missing.removeAll(actual.get(part));
                TreeSet<String> extra = new TreeSet<>(actual.get(part));
                extra.removeAll(expected.get(part));
                assertEquals(part + " of the migrated schema: missing (as OpenJPA maps the entities) " + missing + ", not mapped "
                        + extra, expected.get(part), actual.get(part));
            }
        } finally {
            migrated.close();
            built.close();
        }
    }

    /** Tables and columns, primary keys, unique constraints and sequences, by name, the changelog's own tables left out. */
    private static Map<String, TreeSet<String>> describe(Map<String, Object> props, String schema) throws Exception {
        Map<String, TreeSet<String>> d = new TreeMap<>();
        for (String part : List.of("columns", "primary keys", "unique", "sequences")) {
            d.put(part, new TreeSet<>());
        }
        try (Connection c = DriverManager.getConnection((String) props.get("javax.persistence.jdbc.url"),
                (String) props.get("javax.persistence.jdbc.user"), (String) props.get("javax.persistence.jdbc.password"))) {
            DatabaseMetaData md = c.getMetaData();
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, schema, "%", new String[] { "TABLE" })) {
                while (rs.next()) {
                    if (!rs.getString("TABLE_NAME").toUpperCase().startsWith("DATABASECHANGELOG")) {
                        tables.add(rs.getString("TABLE_NAME"));
                    }
                }
            }
            for (String t : tables) {
                String table = t.toUpperCase();
                try (ResultSet rs = md.getColumns(null, schema, t, "%")) {
                    while (rs.next()) {
                        int type = rs.getInt("DATA_TYPE");
                        boolean sized = type == Types.VARCHAR || type == Types.CHAR;
                        d.get("columns").add(table + "." + rs.getString("COLUMN_NAME").toUpperCase() + " "
                                + rs.getString("TYPE_NAME").toUpperCase() + (sized ? "(" + rs.getInt("COLUMN_SIZE") + ")" : "")
                                + (rs.getInt("NULLABLE") == DatabaseMetaData.columnNoNulls ? " NOT NULL" : ""));
                    }
                }
                TreeMap<Short, String> pk = new TreeMap<>();
                try (ResultSet rs = md.getPrimaryKeys(null, schema, t)) {
                    while (rs.next()) {
                        pk.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME").toUpperCase());
                    }
                }
                d.get("primary keys").add(table + " " + pk.values());
                Map<String, TreeSet<String>> unique = new TreeMap<>();
                try (ResultSet rs = md.getIndexInfo(null, schema, t, true, false)) {
                    while (rs.next()) {
                        if (rs.getString("COLUMN_NAME") != null) {
                            unique.computeIfAbsent(rs.getString("INDEX_NAME"), k -> new TreeSet<>())
                                    .add(rs.getString("COLUMN_NAME").toUpperCase());
                        }
                    }
                }
                unique.values().forEach(cols -> d.get("unique").add(table + " " + cols));
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT sequence_name, increment FROM information_schema.sequences WHERE sequence_schema = ?")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        d.get("sequences").add(rs.getString(1).toUpperCase() + " INCREMENT BY " + rs.getString(2));
                    }
                }
            }
        }
        return d;
    }
}
