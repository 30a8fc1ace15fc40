package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Two node processes (run/jqm, as operators start them) on one PostgreSQL: work drained by both with
 * each instance run exactly once, a node killed with kill -9 while it runs instances, and the database
 * unreachable for 30 s while nodes poll and instances run. Counted from the database itself.
 */
public class ClusterProcessIT {
    private static final String DB_URL = System.getenv("JQM_IT_PG_URL");
    private static final String DB_USER = System.getenv("JQM_IT_PG_USER");
    private static final String DB_PASSWORD = System.getenv("JQM_IT_PG_PASSWORD");

    /** A database of the test's own: what a cluster of nodes shares. */
    private String database;
    private final List<NodeProcess> nodes = new ArrayList<>();

    @Before
    public void newDatabase() throws Exception {
        assertTrue("run the tests with ./test, which starts PostgreSQL", DB_URL != null);
        database = "cluster_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = maintenance(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
    }

    @After
    public void stop() throws Exception {
        for (NodeProcess n : nodes) {
            n.close();
        }
        if (database == null) {
            return;
        }
        try (Connection c = maintenance(); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
            s.execute("DROP DATABASE " + database + " WITH (FORCE)");
        }
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(url(), DB_USER, DB_PASSWORD);
    }

    private String url() {
        return DB_URL.substring(0, DB_URL.lastIndexOf('/') + 1) + database;
    }

    /** A connection to the server's maintenance database, from which the test's own can be closed and opened. */
    private static Connection maintenance() throws Exception {
        return DriverManager.getConnection(DB_URL.substring(0, DB_URL.lastIndexOf('/') + 1) + "postgres", DB_USER, DB_PASSWORD);
    }


    private long count(String query) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Starts a node of the cluster and waits until it can run HelloWorld. */
    private NodeProcess node(String name, int slots, int deadAfterSeconds) throws Exception {
        return node(name, slots, deadAfterSeconds, "");
    }

    private NodeProcess node(String name, int slots, int deadAfterSeconds, String moreNodeConf) throws Exception {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("jqm.db.cfg", "driver=org.postgresql.Driver\n" + "url=" + url() + "\n"
                + "user=" + DB_USER + "\npassword=${env:JQM_DB_PASSWORD}\n");
        conf.put("jqm.node.cfg", "name=" + name + "\ndefault.slots=" + slots + "\ndefault.polling.ms=1000\nheartbeat.seconds=1\n"
                + "dead.after.seconds=" + deadAfterSeconds + "\nstop.timeout.seconds=5\n" + moreNodeConf);
        NodeProcess n = new NodeProcess(name, conf).start(Map.of("JQM_DB_PASSWORD", DB_PASSWORD));
        nodes.add(n);
        n.awaitLog("Job definition HelloWorld deployed");
        n.awaitLog("JQM node accepting HTTP requests");
        return n;
    }

    /** Enqueues as any client may: rows written straight into the database (the nodes are notified by it). */
    private void enqueue(long firstId, int count, String parameters) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO jqm_instance (id, job_name, queue_name, state, priority, enqueue_date, kill_requested, "
                    + "queue_position) SELECT " + firstId + " + g, 'HelloWorld', 'DEFAULT', 'SUBMITTED', 0, now(), false, g "
                    + "FROM generate_series(0, " + (count - 1) + ") g");
            if (parameters != null) {
                s.executeUpdate("INSERT INTO jqm_instance_parameter (id, instance_id, param_name, param_value) SELECT " + firstId + " + g, "
                        + firstId + " + g, " + parameters + " FROM generate_series(0, " + (count - 1) + ") g");
            }
            c.commit();
        }
    }

    private void awaitEnded(long firstId, int count, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String range = " WHERE id BETWEEN " + firstId + " AND " + (firstId + count - 1);
        long done;
        while ((done = count("SELECT count(*) FROM jqm_history" + range)) < count) {
            if (System.currentTimeMillis() > deadline) {
                fail(done + " of " + count + " instances ended within " + timeoutMs + " ms");
            }
            Thread.sleep(500);
        }
        assertEquals("instances left waiting or running", 0, count("SELECT count(*) FROM jqm_instance" + range));
    }

    /** @return how many instances of the range said hello n times (HelloWorld says it once, at its end) */
    private long saidHello(long firstId, int count, String condition) throws Exception {
        return count("SELECT count(*) FROM (SELECT h.id FROM jqm_history h LEFT JOIN jqm_instance_message m ON m.instance_id = h.id "
                + "AND m.text_value LIKE 'Hello,%' WHERE h.id BETWEEN " + firstId + " AND " + (firstId + count - 1)
                + " GROUP BY h.id HAVING " + condition + ") x");
    }

    @Test
    public void tenThousandInstancesAreDrainedByTwoNodesEachRunExactlyOnce() throws Exception {
        node("node-a", 8, 60);
        node("node-b", 8, 60);
        long first = 1_000_000;
        int n = 10_000;
        enqueue(first, n, null);
        awaitEnded(first, n, 15 * 60_000);
        assertEquals(n, count("SELECT count(*) FROM jqm_history WHERE state = 'ENDED' AND id >= " + first));
        assertEquals("each instance ran exactly once", n, saidHello(first, n, "count(m.id) = 1"));
        Map<String, Long> byNode = new HashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT node_name, count(*) FROM jqm_history WHERE id >= " + first + " GROUP BY node_name")) {
            while (r.next()) {
                byNode.put(r.getString(1), r.getLong(2));
            }
        }
        assertEquals(byNode.toString(), 2, byNode.size());
        assertTrue(byNode.toString(), byNode.values().stream().allMatch(v -> v > 0));
    }

    @Test
    public void theInstancesOfANodeKilledWithKill9EndCrashedAndNoneRunsTwice() throws Exception {
        NodeProcess a = node("node-a", 4, 5);
        node("node-b", 4, 5);
        long first = 2_000_000;
        int n = 16;
        enqueue(first, n, "'seconds', '8'");
        long deadline = System.currentTimeMillis() + NodeProcess.TIMEOUT_MS;
        while (count("SELECT count(*) FROM jqm_instance WHERE node_name = 'node-a' AND state = 'RUNNING'") == 0) {
            assertTrue("node-a runs nothing", System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
        a.kill9();
        long lost = count("SELECT count(*) FROM jqm_instance WHERE node_name = 'node-a'");
        assertTrue(lost > 0);
        awaitEnded(first, n, 3 * 60_000);
        assertEquals("the instances node-a held end CRASHED", lost,
                count("SELECT count(*) FROM jqm_history WHERE state = 'CRASHED' AND node_name = 'node-a' AND id >= " + first));
        assertEquals(n - lost, count("SELECT count(*) FROM jqm_history WHERE state = 'ENDED' AND id >= " + first));
        assertEquals("no instance said hello twice", 0, saidHello(first, n, "count(m.id) > 1"));
        assertEquals("every ENDED instance said hello once", n - lost, saidHello(first, n, "count(m.id) = 1"));
    }

    @Test
    public void aThirtySecondDatabaseOutageLosesNoInstanceAndRunsNoneTwice() throws Exception {
        NodeProcess a = node("node-a", 4, 60);
        NodeProcess b = node("node-b", 4, 60);
        long first = 3_000_000;
        int n = 24;
        enqueue(first, n, "'seconds', '6'");
        long deadline = System.currentTimeMillis() + NodeProcess.TIMEOUT_MS;
        while (count("SELECT count(*) FROM jqm_instance WHERE state = 'RUNNING'") < 8) {
            assertTrue("the nodes do not run 8 instances", System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
        // The database is unreachable for the nodes: no new connection, and every open one cut.
        try (Connection admin = maintenance(); Statement s = admin.createStatement()) {
            s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
            Thread.sleep(30_000);
            s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
        }
        awaitEnded(first, n, 3 * 60_000);
        assertEquals("every instance ENDED, none crashed by the outage", n,
                count("SELECT count(*) FROM jqm_history WHERE state = 'ENDED' AND id >= " + first));
        assertEquals("each instance ran exactly once", n, saidHello(first, n, "count(m.id) = 1"));
        assertEquals("their last progress was kept", n, count("SELECT count(*) FROM jqm_history WHERE progress = 100 AND id >= " + first));
        for (NodeProcess node : List.of(a, b)) {
            String out = node.output();
            // Said once per outage, not once per attempt (a poller with every slot busy does not poll at all).
            assertTrue(out, occurrences(out, "Queue DEFAULT cannot be polled") <= 1);
            assertEquals(out, 1, occurrences(out, "cannot tell the cluster it is alive"));
            assertEquals(out, 1, occurrences(out, "No enqueue notifications"));
            assertEquals(out, 1, occurrences(out, "Could not check the running instances for kill requests"));
        }
    }

    @Test
    public void theFilesAndLogsOfAnInstanceAreServedByEveryNodeSharingTheFilesRoot() throws Exception {
        java.nio.file.Path shared = java.nio.file.Files.createTempDirectory(java.nio.file.Paths.get(System.getProperty("jqm.it.target")),
                "shared-");
        String roots = "files.root=" + shared.resolve("files") + "\nlogs.root=" + shared.resolve("logs") + "\n";
        NodeProcess a = node("node-a", 4, 60, roots);
        NodeProcess b = node("node-b", 4, 60, roots);
        long first = 4_000_000;
        enqueue(first, 6, "'file', 'greeting.txt'");
        awaitEnded(first, 6, NodeProcess.TIMEOUT_MS);
        String password = java.nio.file.Files.readString(a.root.resolve("initial-admin-password.txt")).trim();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String auth = "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        int servedByTheOtherNode = 0;
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT d.id, h.node_name, h.id FROM jqm_deliverable d JOIN jqm_history h ON h.id = d.instance_id WHERE h.id >= " + first)) {
            while (r.next()) {
                NodeProcess other = "node-a".equals(r.getString(2)) ? b : a;
                for (String path : List.of("file?id=" + r.getString(1), "stdout?id=" + r.getLong(3))) {
                    java.net.http.HttpResponse<String> got = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + other.port + "/ws/simple/" + path)).header("Authorization", auth).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    assertEquals(path + " through the node that did not run it: " + got.body(), 200, got.statusCode());
                    assertTrue(got.body(), got.body().startsWith("Hello, world!"));
                }
                servedByTheOtherNode++;
            }
        }
        assertEquals(6, servedByTheOtherNode);
    }

    private static int occurrences(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int k = 0;
        while (m.find()) {
            k++;
        }
        return k;
    }
}
