package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The node as a user starts it: run/jqm on a new node root, with standard input closed (as under a
 * script or a service manager), driven over HTTP with the sample payload from the fresh root.
 */
public class LauncherIT {
    private static final long TIMEOUT_MS = 60_000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path root;
    private Path log;
    private int port;
    private Process node;

    @Before
    public void newRoot() throws IOException {
        Path target = Paths.get(System.getProperty("jqm.it.target"));
        root = Files.createTempDirectory(target, "node-root-").resolve("jqm");
        log = root.getParent().resolve("node.log");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
    }

    @After
    public void stop() throws InterruptedException {
        if (node != null && node.isAlive()) {
            node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private final java.util.Map<String, String> env = new java.util.HashMap<>();

    private Process start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", Paths.get(System.getProperty("jqm.it.repo"), "run", "jqm").toString());
        pb.environment().put("JQM_ROOT", root.toString());
        pb.environment().put("JQM_HTTP_PORT", Integer.toString(port));
        pb.environment().putAll(env);
        pb.redirectInput(new File("/dev/null"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        node = pb.start();
        return node;
    }

    /** Waits for a line of the node's output matching the pattern, searched from an offset. */
    private Matcher awaitLog(String regex, int from) throws Exception {
        Pattern p = Pattern.compile(regex);
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            Matcher m = p.matcher(out.substring(Math.min(from, out.length())));
            if (m.find()) {
                return m;
            }
            if (!node.isAlive()) {
                fail("the node exited with " + node.exitValue() + " before logging /" + regex + "/:\n" + out);
            }
            Thread.sleep(100);
        }
        fail("the node did not log /" + regex + "/ within " + TIMEOUT_MS + " ms:\n" + Files.readString(log));
        return null;
    }

    private int logLength() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8).length() : 0;
    }

    private String base() {
        return "http://127.0.0.1:" + port + "/ws/simple/";
    }

    /** The Basic authorization of the administrator the node created on its first start. */
    private String admin() throws Exception {
        Path file = root.resolve("initial-admin-password.txt");
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (!Files.exists(file) || Files.readString(file).isBlank()) {
            assertTrue("the first administrator's password file is written", System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
        String password = Files.readString(file).trim();
        return "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
    }

    private long enqueue(String form) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "ji")).header("Authorization", admin())
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(r.body(), 200, r.statusCode());
        return Long.parseLong(r.body().trim());
    }

    private String status(long id) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + "status?id=" + id)).header("Authorization", admin()).build(),
                HttpResponse.BodyHandlers.ofString()).body().trim();
    }

    private String awaitStatus(long id, String... wanted) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        String s = status(id);
        while (!java.util.Arrays.asList(wanted).contains(s)) {
            if (System.currentTimeMillis() > deadline) {
                fail("instance " + id + " is " + s);
            }
            Thread.sleep(100);
            s = status(id);
        }
        return s;
    }

    @Test
    public void aFreshRootRunsHelloWorldOverHttpAndLogsItsStartTime() throws Exception {
        start();
        Matcher ready = awaitLog("JQM node accepting HTTP requests at http://127\\.0\\.0\\.1:" + port + "/ \\((\\d+) ms after launch\\)", 0);
        assertTrue(Long.parseLong(ready.group(1)) > 0);
        // The node was started with standard input closed: the console ended, the node did not.
        awaitLog("Node \\S+ polling 1 queue", 0);
        awaitLog("Job definition HelloWorld deployed", 0);
        assertTrue(node.isAlive());

        for (String dir : new String[] { "conf", "payloads", "bundles/optional", "logs", "files", "db" }) {
            assertTrue(dir, Files.isDirectory(root.resolve(dir)));
        }
        assertTrue(Files.exists(root.resolve("payloads/jqm.sample.hello.jar")));
        assertTrue("optional bundles are shipped", Files.exists(root.resolve("bundles/optional/jqm.rest.jar")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        assertEquals("the first administrator's password is readable by the node's account only", "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("initial-admin-password.txt"))));
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(base() + "status?id=1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("authentication is on by default", 401, anonymous.statusCode());
        // Loopback only: through any other address of this machine, nothing listens on the port.
        for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (java.net.InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
                if (!a.isLoopbackAddress() && a instanceof java.net.Inet4Address) {
                    try (java.net.Socket s = new java.net.Socket()) {
                        s.connect(new java.net.InetSocketAddress(a, port), 2000);
                        org.junit.Assert.fail("HTTP answers on " + a + ", not only on loopback");
                    } catch (java.net.ConnectException | java.net.SocketTimeoutException expected) {
                        // refused: nothing listens there
                    }
                }
            }
        }

        long id = enqueue("applicationname=HelloWorld&parameterNames=name&parameterValues=Launcher");
        assertEquals("ENDED", awaitStatus(id, "ENDED", "CRASHED"));
        long exiting = enqueue("applicationname=HelloWorld&parameterNames=exit&parameterValues=3");
        assertEquals("a payload calling System.exit ends its instance", "CRASHED", awaitStatus(exiting, "ENDED", "CRASHED"));
        assertTrue("and the node goes on", node.isAlive());

        // The engine log, for administrators, from the file the launcher writes.
        HttpResponse<String> engineLog = http.send(HttpRequest.newBuilder(URI.create(base() + "enginelog?latest=500"))
                .header("Authorization", admin()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, engineLog.statusCode());
        assertTrue(engineLog.body(), engineLog.body().contains("JQM node accepting HTTP requests"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("logs/engine.log"))));

        // An operator declares a queue with a file in conf/, while the node runs; a misnamed file is reported.
        Files.writeString(root.resolve("conf/jqm.queue-reports.cfg"), "description=Monthly reports\nmax.concurrent=2\n");
        awaitLog("Polling queue reports with 2 slots", 0);
        Files.writeString(root.resolve("conf/jqm.queue~misnamed.cfg"), "max.concurrent=2\n");
        awaitLog("Configuration jqm.queue~misnamed is not read: name its file jqm.queue-misnamed.cfg", 0);
        String audit = Files.readString(root.resolve("logs/audit.log"));
        assertTrue(audit, audit.matches("(?s).*configuration jqm.queue~reports created by "
                + java.util.regex.Pattern.quote(Files.getOwner(root.resolve("conf/jqm.queue-reports.cfg")).getName())
                + " \\(file [^)]*jqm.queue-reports.cfg\\): \\{description=Monthly reports, max.concurrent=2\\}.*"));

        // The payload bundle was started once: not stopped and started again under the node's first instances
        // (bnd's launcher gave every bundle installed at run time its default start level, 8, above the framework's).
        String running = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(running, 1, Pattern.compile("Job definition HelloWorld deployed by payload bundle").matcher(running).results().count());
        assertFalse(running, running.contains("Payload of job definition HelloWorld removed"));

        // SIGTERM, as a service manager stops it: a clean stop, within the stop timeout.
        node.destroy();
        assertTrue("the node stops on SIGTERM", node.waitFor(60, TimeUnit.SECONDS));
        awaitLog("Node \\S+ stopped polling", 0);
    }

    private int clientApiStatus() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ws/client/q")).header("Authorization", admin())
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private void awaitClientApi(int status) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (clientApiStatus() != status) {
            assertTrue("/ws/client does not answer " + status, System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
    }

    /** The README's REST example, run as written against this node. */
    private String readmeRestExample() throws Exception {
        String readme = Files.readString(Paths.get(System.getProperty("jqm.it.repo"), "README.md"));
        Matcher m = Pattern.compile("<!-- rest-example -->\\s*```bash\\n(.*?)```\\s*<!-- /rest-example -->", Pattern.DOTALL).matcher(readme);
        assertTrue("the README has its REST example", m.find());
        Path work = Files.createDirectories(root.getParent().resolve("readme-example"));
        Files.writeString(work.resolve("example.sh"), "set -euo pipefail\n" + m.group(1));
        ProcessBuilder pb = new ProcessBuilder("bash", "example.sh").directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("JQM", "http://127.0.0.1:" + port);
        pb.environment().put("JQM_ROOT", root.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("the example did not end", p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        assertEquals(out, 0, p.exitValue());
        return out;
    }

    @Test
    public void theRestApiIsEnabledByItsConfigurationLineSurvivesARestartAndRunsTheReadmeExample() throws Exception {
        start();
        awaitLog("JQM node accepting HTTP requests", 0);
        awaitLog("Job definition HelloWorld deployed", 0);
        awaitLog("Optional bundle rest: disabled", 0);
        assertEquals("no client API on a fresh node", 404, clientApiStatus());

        Path features = root.resolve("conf/jqm.features.cfg");
        Files.writeString(features, Files.readString(features).replace("rest=false", "rest=true"));
        awaitLog("Optional bundle rest: enabled \\(jqm.rest ", 0);
        awaitClientApi(200);
        String out = readmeRestExample();
        assertTrue(out, out.startsWith("Hello, REST!"));

        node.destroy();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS));
        int from = logLength();
        start();
        awaitLog("JQM node accepting HTTP requests", from);
        awaitLog("Optional bundle rest: enabled \\(jqm.rest ", from);
        awaitClientApi(200);

        Files.writeString(features, Files.readString(features).replace("rest=true", "rest=false"));
        awaitLog("Optional bundle rest: disabled \\(jqm.rest [^ ]+ uninstalled\\)", from);
        awaitClientApi(404);
    }

    @Test
    public void theSameJarRunsOnPostgresqlByConfigurationWithThePasswordByReference() throws Exception {
        String schema = newSchema("launcher_");
        Files.createDirectories(root.resolve("conf"));
        // The password in an owner-only file, as an operator writes it (with its end of line).
        Path secret = root.resolve("conf/db.password");
        Files.writeString(secret, System.getenv("JQM_IT_PG_PASSWORD") + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(root.resolve("conf/jqm.db.cfg"), "driver=org.postgresql.Driver\n"
                + "url=" + System.getenv("JQM_IT_PG_URL") + "?currentSchema=" + schema + "&ApplicationName=jqm-launcher-it\n"
                + "openjpa.jdbc.Schema=" + schema + "\n" + "user=" + System.getenv("JQM_IT_PG_USER") + "\n"
                + "password.file=conf/db.password\n" + "pool.max.size=4\n");
        runsOnPostgresql(schema, "conf/jqm.db.cfg", 4);
        assertTrue("the password file is not reported", !Files.readString(log).contains("password file")
                && !Files.readString(log).contains("in clear text"));
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(System.getenv("JQM_IT_PG_URL"), System.getenv("JQM_IT_PG_USER"),
                System.getenv("JQM_IT_PG_PASSWORD")); java.sql.Statement s = c.createStatement();
                java.sql.ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND application_name = 'jqm-launcher-it'")) {
            r.next();
            int held = r.getInt(1);
            assertTrue("the node's connections, named by ApplicationName, are those of its pool: " + held, held >= 1 && held <= 4);
        }
    }

    /** A node root configured by an earlier version (the database in Aries JPA's own file) moves to jqm.db and its pool. */
    @Test
    public void theSameJarRunsOnPostgresqlWithTheDatabaseSettingsOfAnEarlierVersion() throws Exception {
        String schema = newSchema("launcher_old_");
        Files.createDirectories(root.resolve("conf"));
        Files.writeString(root.resolve("conf/org.apache.aries.jpa.jqm.cfg"), "javax.persistence.jdbc.driver=org.postgresql.Driver\n"
                + "javax.persistence.jdbc.url=" + System.getenv("JQM_IT_PG_URL") + "?currentSchema=" + schema + "\n"
                + "openjpa.jdbc.Schema=" + schema + "\n" + "javax.persistence.jdbc.user=" + System.getenv("JQM_IT_PG_USER") + "\n"
                + "javax.persistence.jdbc.password=${env:JQM_DB_PASSWORD}\n");
        runsOnPostgresql(schema, "conf/jqm.db.cfg", 10);
        assertTrue("the old file left conf/", !Files.exists(root.resolve("conf/org.apache.aries.jpa.jqm.cfg"))
                && Files.exists(root.resolve("org.apache.aries.jpa.jqm.cfg.old")));
        assertTrue("no installation problem about it", !Files.readString(log).contains("is from an earlier version"));
    }

    private String newSchema(String prefix) throws Exception {
        String url = System.getenv("JQM_IT_PG_URL");
        assertTrue("run the tests with ./test, which starts PostgreSQL", url != null);
        String schema = prefix + java.util.UUID.randomUUID().toString().replace("-", "");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, System.getenv("JQM_IT_PG_USER"),
                System.getenv("JQM_IT_PG_PASSWORD")); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return schema;
    }

    private void runsOnPostgresql(String schema, String dbFile, int poolSize) throws Exception {
        String url = System.getenv("JQM_IT_PG_URL");
        String password = System.getenv("JQM_IT_PG_PASSWORD");
        env.put("JQM_DB_PASSWORD", password);
        start();
        awaitLog("Database: jdbc:postgresql://[^ ]+ as [^ ]+, a pool of at most " + poolSize + " connections", 0);
        awaitLog("JQM node accepting HTTP requests", 0);
        awaitLog("Job definition HelloWorld deployed", 0);

        long id = enqueue("applicationname=HelloWorld&parameterNames=name&parameterValues=Postgres");
        assertEquals("ENDED", awaitStatus(id, "ENDED", "CRASHED"));
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url + "?currentSchema=" + schema,
                System.getenv("JQM_IT_PG_USER"), password); java.sql.Statement s = c.createStatement();
                java.sql.ResultSet r = s.executeQuery("SELECT state FROM jqm_history WHERE id = " + id)) {
            assertTrue("the instance is in PostgreSQL's history", r.next());
            assertEquals("ENDED", r.getString(1));
        }
        assertTrue("the password is in no file of the node", !Files.readString(root.resolve(dbFile)).contains(password)
                && !Files.readString(log).contains(password));
    }

    @Test
    public void aStrictNodeRefusesToStartOnAnUnsafeInstallation() throws Exception {
        Files.createDirectories(root.resolve("conf"));
        Files.writeString(root.resolve("conf/jqm.node.cfg"), "strict=true\n");
        Files.writeString(root.resolve("conf/jqm.http.cfg"), "some.password=hunter2-in-clear\n");
        Path payloads = Files.createDirectories(root.resolve("payloads"));
        Files.setPosixFilePermissions(payloads, PosixFilePermissions.fromString("rwxrwxrwx"));
        start();
        assertTrue("the node refuses to start", node.waitFor(60, TimeUnit.SECONDS));
        assertEquals(78, node.exitValue());
        String out = Files.readString(log);
        assertTrue(out, out.contains("Installation: the payloads folder " + payloads + " is writable by other accounts"));
        assertTrue(out, out.contains("chmod go-w " + payloads));
        // The JVM wrote its class data archive as it exited, but the engine never marked it as that of a whole start.
        java.util.List<String> archives = cdsFiles();
        assertEquals(archives.toString(), 1, archives.size());
        assertTrue(archives.toString(), archives.get(0).matches("jqm-\\d+\\.jsa\\.\\d+"));
        assertTrue(out, out.contains("holds some.password in clear text"));
        assertTrue(out, out.contains("Installation: the configuration file " + root.resolve("conf/jqm.http.cfg")
                + " is readable or writable by other accounts (rw-r--r--): chmod 600"));
        assertTrue(out, !System.getProperty("user.name").equals("root") || out.contains("Installation: the node runs as root"));
        assertTrue("the secret itself is not printed", !out.contains("hunter2-in-clear"));
        assertTrue(out, out.contains("The node refuses to start (strict=true in conf/jqm.node.cfg)"));
    }

    @Test
    public void aStoppingNodeLeavesNoInstanceRunningAfterItsStopTimeout() throws Exception {
        // An operator's own node configuration, in place before the first start: the defaults fill in the rest.
        Files.createDirectories(root.resolve("conf"));
        Files.writeString(root.resolve("conf/jqm.node.cfg"), "name=launcher-node\nstop.timeout.seconds=2\n");
        start();
        awaitLog("Node launcher-node polling 1 queue", 0);
        awaitLog("JQM node accepting HTTP requests", 0);
        awaitLog("Job definition HelloWorld deployed", 0);
        assertTrue(Files.exists(root.resolve("conf/org.apache.felix.http.cfg")));
        long id = enqueue("applicationname=HelloWorld&parameterNames=seconds&parameterValues=120");
        awaitStatus(id, "RUNNING");

        node.destroy();
        assertTrue("the node stops after its 2 s stop timeout", node.waitFor(60, TimeUnit.SECONDS));
        awaitLog("ended CRASHED: The node launcher-node stopped before the instance ended \\(stop timeout of 2 s\\)", 0);

        int before = logLength();
        start();
        awaitLog("JQM node accepting HTTP requests", before);
        assertEquals("CRASHED", status(id));
        assertTrue("nothing was left RUNNING to recover",
                !Files.readString(log).substring(before).contains("left attributed or running"));
    }

    /** The files in the node's class data folder, by name. */
    private java.util.List<String> cdsFiles() throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(root.resolve("cds"))) {
            return files.map(f -> f.getFileName().toString()).sorted().collect(java.util.stream.Collectors.toList());
        }
    }

    @Test
    public void aStopRecordsTheClassArchiveTheNextStartsMapAndAnArchiveCutShortIsDiscarded() throws Exception {
        start();
        awaitLog("this start records the classes it loads in \\S+/cds", 0);
        awaitLog("JQM node accepting HTTP requests", 0);
        awaitLog("Node \\S+ polling 1 queue", 0);
        long firstPid = node.pid();
        node.destroy();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS));
        // Written as the JVM exits, under its process id (the launcher script's: it execs java), and marked by the
        // engine as that of a start that got to polling.
        java.util.List<String> written = cdsFiles();
        assertEquals(written.toString(), 2, written.size());
        Matcher name = Pattern.compile("(jqm-\\d+\\.jsa)\\." + firstPid).matcher(written.get(0));
        assertTrue(written.toString(), name.matches());
        String archive = name.group(1);
        assertEquals(archive + "." + firstPid + ".ready", written.get(1));
        assertTrue("the JVM wrote a whole archive", Files.size(root.resolve("cds").resolve(written.get(0))) > 1_000_000);

        // -Xshare:on: a JVM that cannot map the archive refuses to start.
        env.put("JQM_JAVA_OPTS", "-Xshare:on");
        int before = logLength();
        start();
        awaitLog("JQM node accepting HTTP requests", before);
        awaitLog("Node \\S+ polling 1 queue", before);
        assertEquals(java.util.List.of(archive), cdsFiles());
        assertFalse("a start with the archive records none", Files.readString(log).substring(before).contains("this start records"));
        node.destroy();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS));
        assertEquals(java.util.List.of(archive), cdsFiles());

        // As if a node had been killed while writing it, after it got to polling: checked, removed, recorded anew. And one
        // written by a start that never got to polling (refused, or stopped early): removed unchecked.
        env.remove("JQM_JAVA_OPTS");
        Path cds = root.resolve("cds");
        byte[] whole = Files.readAllBytes(cds.resolve(archive));
        long dead = firstPid;
        long unready = node.pid();
        Files.write(cds.resolve(archive + "." + dead), java.util.Arrays.copyOf(whole, whole.length / 3));
        Files.createFile(cds.resolve(archive + "." + dead + ".ready"));
        Files.copy(cds.resolve(archive), cds.resolve(archive + "." + unready));
        Files.delete(cds.resolve(archive));
        before = logLength();
        start();
        awaitLog("jqm: \\S+/cds/" + Pattern.quote(archive + "." + dead) + " cannot be used \\(its node was stopped while writing it\\?\\), removed",
                before);
        awaitLog("jqm: \\S+/cds/" + Pattern.quote(archive + "." + unready)
                + " was recorded by a start that did not get to polling \\(refused, or stopped early\\), removed", before);
        awaitLog("this start records the classes it loads", before);
        awaitLog("JQM node accepting HTTP requests", before);
        awaitLog("Node \\S+ polling 1 queue", before);
        String out = Files.readString(log).substring(before);
        assertFalse("the check of the archive cut short crashed quietly: " + out, out.contains("Aborted"));
        long pid = node.pid();
        node.destroy();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS));
        assertEquals(java.util.List.of(archive + "." + pid, archive + "." + pid + ".ready"), cdsFiles());

        // A class data folder other accounts can write to is not used, and the installation check reports it.
        Files.setPosixFilePermissions(cds, PosixFilePermissions.fromString("rwxrwx---"));
        before = logLength();
        start();
        awaitLog("jqm: no class data archive: " + Pattern.quote(cds.toString()) + " or a file in it is another account's or writable by others",
                before);
        awaitLog("Installation: the class data archive folder " + Pattern.quote(cds.toString()) + " is writable by other accounts", before);
        awaitLog("JQM node accepting HTTP requests", before);
        assertEquals(java.util.List.of(archive + "." + pid, archive + "." + pid + ".ready"), cdsFiles());
    }

    @Test
    public void aNodeKilledWhileRunningMarksTheInstanceCrashedWhenItRestarts() throws Exception {
        start();
        awaitLog("JQM node accepting HTTP requests", 0);
        awaitLog("Job definition HelloWorld deployed", 0);
        long id = enqueue("applicationname=HelloWorld&parameterNames=seconds&parameterValues=120");
        awaitStatus(id, "RUNNING");

        node.destroyForcibly(); // SIGKILL: nothing runs on the way out
        assertTrue(node.waitFor(30, TimeUnit.SECONDS));
        assertEquals("RUNNING is what the database says of a dead node's instance", 137, node.exitValue());

        int before = logLength();
        start();
        awaitLog("JQM node accepting HTTP requests", before);
        awaitLog("found 1 instance\\(s\\) left attributed or running by its previous run and marked them CRASHED: \\[" + id + "\\]",
                before);
        assertEquals("CRASHED", status(id));
    }
}
