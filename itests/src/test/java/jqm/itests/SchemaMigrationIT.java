package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Test;

import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * Versioned schema migrations, with node processes started by run/jqm as operators do: the schema created on an
 * empty database (H2 and PostgreSQL), an older one upgraded (a database at changeset 1, and one whose tables
 * OpenJPA created before migrations existed), and two nodes starting together on an empty PostgreSQL database.
 * Checked in the database's own changelog table (DATABASECHANGELOG) and schema catalogue.
 */
public class SchemaMigrationIT {
    private static final String DB_URL = System.getenv("JQM_IT_PG_URL");
    private static final String DB_USER = System.getenv("JQM_IT_PG_USER");
    private static final String DB_PASSWORD = System.getenv("JQM_IT_PG_PASSWORD");

    private static final Pattern MIGRATED = Pattern.compile("Database schema migrated: \\[([^\\]]*)\\]");

    private String database;
    /** A schema of the database other than its default one, when set. */
    private String schema;
    private final List<NodeProcess> nodes = new ArrayList<>();

    @After
    public void stop() throws Exception {
        for (NodeProcess n : nodes) {
            n.close();
        }
        if (database != null) {
            try (Connection c = maintenance(); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE " + database + " WITH (FORCE)");
            }
        }
    }

    private void newDatabase() throws Exception {
        assertTrue("run the tests with ./test, which starts PostgreSQL", DB_URL != null);
        database = "schema_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = maintenance(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
    }

    private static Connection maintenance() throws Exception {
        return DriverManager.getConnection(DB_URL.substring(0, DB_URL.lastIndexOf('/') + 1) + "postgres", DB_USER, DB_PASSWORD);
    }

    private String url() {
        return DB_URL.substring(0, DB_URL.lastIndexOf('/') + 1) + database + (schema == null ? "" : "?currentSchema=" + schema);
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(url(), DB_USER, DB_PASSWORD);
    }

    private NodeProcess start(String name) throws Exception {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("jqm.db.cfg", "driver=org.postgresql.Driver\n" + "url=" + url() + "\n"
                + "user=" + DB_USER + "\npassword=${env:JQM_DB_PASSWORD}\n"
                + (schema == null ? "" : "openjpa.jdbc.Schema=" + schema + "\n"));
        conf.put("jqm.node.cfg", "name=" + name + "\nstop.timeout.seconds=5\n");
        NodeProcess n = new NodeProcess(name, conf).start(Map.of("JQM_DB_PASSWORD", DB_PASSWORD));
        nodes.add(n);
        return n;
    }

    /** The changesets the database ran, in order: "id EXECTYPE". */
    private static List<String> changelog(Connection c) throws Exception {
        List<String> ran = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT id, exectype FROM databasechangelog ORDER BY orderexecuted")) {
            while (r.next()) {
                ran.add(r.getString(1) + " " + r.getString(2));
            }
        }
        return ran;
    }

    private long count(String query) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** What PostgreSQL-only changesets 2 and 4 create: the claim's partial indexes and the enqueue trigger. */
    private void assertClaimObjects() throws Exception {
        assertEquals("the partial indexes of the claim", 3, count("SELECT count(*) FROM pg_indexes WHERE indexname IN "
                + "('jqm_instance_waiting', 'jqm_instance_active_job', 'jqm_instance_scheduled')"));
        assertEquals("the notifying triggers (updates, inserts of other clients)", 2,
                count("SELECT count(*) FROM pg_trigger WHERE tgname IN ('jqm_instance_submitted', 'jqm_instance_inserted')"));
    }

    /** Applies only the changelog's first changeset, as a node of the first version with migrations did. */
    private void applyChangesetOne() throws Exception {
        try (Connection c = connect()) {
            Scope.child(Map.of("liquibase.analytics.enabled", Boolean.FALSE), () -> {
                Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
                try (Liquibase lb = new Liquibase("jqm/engine/schema/0001-tables.xml",
                        new ClassLoaderResourceAccessor(SchemaMigrationIT.class.getClassLoader()), db)) {
                    lb.update((String) null);
                }
            });
        }
    }

    @Test
    public void aNodeCreatesTheSchemaOnAnEmptyPostgresDatabase() throws Exception {
        newDatabase();
        NodeProcess a = start("node-a");
        a.awaitLog("Job definition HelloWorld deployed");
        assertEquals("[jqm/engine/schema/0001-tables.xml::1, jqm/engine/schema/0002-postgresql-claims.xml::2, "
                + "jqm/engine/schema/0003-native-enqueue.xml::3, jqm/engine/schema/0003-native-enqueue.xml::4, "
                + "jqm/engine/schema/0004-lookup-indexes.xml::5, jqm/engine/schema/0005-notify-after-commit.xml::6]",
                "[" + a.awaitLog(MIGRATED.pattern()).group(1) + "]");
        try (Connection c = connect()) {
            assertEquals(List.of("1 EXECUTED", "2 EXECUTED", "3 EXECUTED", "4 EXECUTED", "5 EXECUTED", "6 EXECUTED"), changelog(c));
        }
        assertClaimObjects();
        assertEquals("the node registered itself in the new tables", 1, count("SELECT count(*) FROM jqm_node WHERE name = 'node-a'"));
    }

    @Test
    public void aDatabaseAtChangesetOneIsUpgradedKeepingItsData() throws Exception {
        newDatabase();
        applyChangesetOne();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertEquals(List.of("1 EXECUTED"), changelog(c));
            s.execute("INSERT INTO jqm_queue (id, name, description) VALUES (1000, 'legacy', 'made before the upgrade')");
        }
        assertEquals("no trigger before the upgrade", 0, count("SELECT count(*) FROM pg_trigger WHERE tgname = 'jqm_instance_submitted'"));
        NodeProcess a = start("node-a");
        a.awaitLog("Job definition HelloWorld deployed");
        assertEquals("jqm/engine/schema/0002-postgresql-claims.xml::2, jqm/engine/schema/0003-native-enqueue.xml::3, "
                + "jqm/engine/schema/0003-native-enqueue.xml::4, jqm/engine/schema/0004-lookup-indexes.xml::5, "
                + "jqm/engine/schema/0005-notify-after-commit.xml::6",
                a.awaitLog(MIGRATED.pattern()).group(1));
        try (Connection c = connect()) {
            assertEquals(List.of("1 EXECUTED", "2 EXECUTED", "3 EXECUTED", "4 EXECUTED", "5 EXECUTED", "6 EXECUTED"), changelog(c));
        }
        assertClaimObjects();
        assertEquals("the data of before", 1, count("SELECT count(*) FROM jqm_queue WHERE name = 'legacy' AND id = 1000"));
    }

    @Test
    public void aDatabaseWhoseTablesOpenJpaCreatedIsTakenOver() throws Exception {
        newDatabase();
        applyChangesetOne(); // the same tables as OpenJPA made (ChangelogMatchesMappingTest), then no changelog
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE databasechangelog");
            s.execute("DROP TABLE databasechangeloglock");
            s.execute("INSERT INTO jqm_queue (id, name) VALUES (1000, 'legacy')");
        }
        NodeProcess a = start("node-a");
        a.awaitLog("Job definition HelloWorld deployed");
        try (Connection c = connect()) {
            assertEquals("changeset 1 recorded without being run, the next ones run",
                    List.of("1 MARK_RAN", "2 EXECUTED", "3 EXECUTED", "4 EXECUTED", "5 EXECUTED", "6 EXECUTED"), changelog(c));
        }
        assertClaimObjects();
        assertEquals(1, count("SELECT count(*) FROM jqm_queue WHERE name = 'legacy'"));
    }

    @Test
    public void twoNodesStartingTogetherOnAnEmptyDatabaseBothComeUpAndTheChangelogRunsOnce() throws Exception {
        newDatabase();
        // In a schema of its own, named to OpenJPA too: before migrations, a second node failed there (CREATE SEQUENCE).
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA jqm");
        }
        schema = "jqm";
        NodeProcess a = start("node-a");
        NodeProcess b = start("node-b");
        // Two JVMs starting at once on two shared cores: the second waits for the first's migration, so more time.
        a.awaitLog("Job definition HelloWorld deployed", 3 * NodeProcess.TIMEOUT_MS);
        b.awaitLog("Job definition HelloWorld deployed", 3 * NodeProcess.TIMEOUT_MS);
        int migrated = 0;
        for (NodeProcess n : List.of(a, b)) {
            String out = n.output();
            assertTrue("each node checked the schema:\n" + out, out.contains("Database schema migrated") || out.contains("Database schema up to date"));
            assertTrue("no schema error:\n" + out, !Pattern.compile("(?i)ERROR.*(schema|liquibase|already exists)").matcher(out).find());
            migrated += MIGRATED.matcher(out).find() ? 1 : 0;
        }
        assertEquals("exactly one node migrated the empty database", 1, migrated);
        try (Connection c = connect()) {
            assertEquals("each changeset ran once", List.of("1 EXECUTED", "2 EXECUTED", "3 EXECUTED", "4 EXECUTED", "5 EXECUTED", "6 EXECUTED"), changelog(c));
        }
        assertEquals("the changelog lock released", 0, count("SELECT count(*) FROM databasechangeloglock WHERE locked"));
        // The nodes' sessions stay open (the listener's): the advisory lock (key 0x6A716D5343) must have been released.
        assertEquals("the advisory migration lock released", 0, count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                + "AND classid = 106 AND objid = 1902990147"));
        assertClaimObjects();
        assertEquals("both nodes registered", 2, count("SELECT count(*) FROM jqm_node"));
        assertEquals("one DEFAULT queue", 1, count("SELECT count(*) FROM jqm_queue WHERE name = 'DEFAULT'"));
        assertEquals("nothing in the default schema", 0,
                count("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"));
    }

    @Test
    public void aNodeCreatesTheSchemaOnAnEmptyEmbeddedDatabaseAndFindsItUpToDateAtItsNextStart() throws Exception {
        NodeProcess a = new NodeProcess("h2", Map.of());
        nodes.add(a);
        a.start(Map.of());
        a.awaitLog("Job definition HelloWorld deployed");
        assertEquals("jqm/engine/schema/0001-tables.xml::1, jqm/engine/schema/0003-native-enqueue.xml::3, "
                + "jqm/engine/schema/0004-lookup-indexes.xml::5", a.awaitLog(MIGRATED.pattern()).group(1));
        a.close();
        Path db = a.root.resolve("db").resolve("jqm");
        Class.forName("org.h2.Driver"); // this class path's driver: the one the frameworks of other tests registered is not ours
        try (Connection c = DriverManager.getConnection("jdbc:h2:" + db, "jqm", ""); Statement s = c.createStatement()) {
            assertEquals("changesets 2 and 4 are PostgreSQL's only", List.of("1 EXECUTED", "3 EXECUTED", "5 EXECUTED"), changelog(c));
            s.execute("SHUTDOWN"); // releases the file at once, for the node to open it again
        }
        a.start(Map.of());
        a.awaitLog("Database schema up to date");
        Matcher again = MIGRATED.matcher(a.output());
        again.find();
        assertTrue("migrated once only:\n" + a.output(), !again.find());
    }
}
