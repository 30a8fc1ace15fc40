package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.ConfigurationAdmin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jqm.api.client.JobRequest;
import jqm.api.client.State;
import jqm.api.security.Accounts;
import jqm.api.security.Role;

/**
 * The full client API ({@code jqm.rest}) over real HTTP: absent on a fresh node, enabled and disabled
 * on the running node (console and configuration), every endpoint with JSON and role checks, and bad
 * input answered 400 with a JSON error.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RestApiIT extends JqmTestSupport {
    private static final Map<String, String> AUTH = new ConcurrentHashMap<>();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private String base;
    private Path conf;
    private String auth = "";
    private CommandSession session;

    @Before
    public void setUp() throws Exception {
        base = "http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port") + "/ws/client";
        account("ops", Role.OPERATOR);
        account("viewer", Role.VIEWER);
        account("cli", Role.CLIENT);
        account("cli2", Role.CLIENT);
        as("ops");
        // Where an operator's node has bundles/optional: the jars the build copied for the tests, in
        // conf/jqm.features.cfg as an operator writes it. Set through the file rather than ConfigAdmin:
        // FileInstall applies that file (which jqm:disable rewrites) some time after each change, and
        // would replace a configuration made another way by what the file says.
        conf = Files.createDirectories(Paths.get(context.getProperty("felix.fileinstall.dir")));
        if (!Files.exists(conf.resolve("jqm.features.cfg"))) {
            Files.writeString(conf.resolve("jqm.features.cfg"), "dir=" + TestBundles.dir().getAbsolutePath() + "\nrest=false\n");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        session = service(CommandProcessor.class).createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
        // The configuration applies asynchronously: wait until the node looks for the jars there.
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (!console("jqm:features").contains(TestBundles.dir().getAbsolutePath())) {
            assertTrue("the optional bundles' folder is not applied", System.currentTimeMillis() < deadline);
            Thread.sleep(50);
        }
    }

    @After
    public void disable() throws Exception {
        console("jqm:disable rest");
        session.close();
    }

    private void account(String name, Role role) throws Exception {
        Accounts accounts = service(Accounts.class);
        if (accounts.find(name).isEmpty()) {
            String password = accounts.create(name, Set.of(role), null);
            AUTH.put(name, "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Sets a line of conf/jqm.features.cfg as an operator edits it, keeping the others. */
    private void setLine(String key, String value) throws Exception {
        Path file = conf.resolve("jqm.features.cfg");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.matches("\\s*" + key + "\\s*[=:].*")) {
                lines.add(line);
            }
        }
        lines.add(key + "=" + value);
        // Whole, as editors save: FileInstall never reads a half-written file.
        Path tmp = Files.write(conf.resolve(".features.tmp"), lines);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void as(String name) {
        auth = name == null ? "" : AUTH.get(name);
    }

    private String console(String command) throws Exception {
        Object result = session.execute(command);
        return result == null ? "" : result.toString();
    }

    private void enable() throws Exception {
        assertTrue(console("jqm:enable rest").contains("enabled"));
        awaitStatus("GET", "/q", 200);
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (!auth.isEmpty()) {
            b.header("Authorization", auth);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(String method, String path, String body) throws Exception {
        HttpResponse<String> r = call(method, path, body);
        assertEquals(method + " " + path + ": " + r.body(), 200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return json.readTree(r.body());
    }

    private void noContent(String method, String path) throws Exception {
        HttpResponse<String> r = call(method, path, null);
        assertEquals(method + " " + path + ": " + r.body(), 204, r.statusCode());
    }

    /** @return the JSON error of an answer that must have that status */
    private JsonNode error(int status, String method, String path, String body) throws Exception {
        HttpResponse<String> r = call(method, path, body);
        assertEquals(method + " " + path + ": " + r.body(), status, r.statusCode());
        JsonNode e = json.readTree(r.body());
        assertTrue(r.body(), e.path("errorCode").isInt());
        assertFalse(r.body(), e.path("userReadableMessage").asText().isBlank());
        return e;
    }

    private void awaitStatus(String method, String path, int status) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        int last;
        while ((last = call(method, path, null).statusCode()) != status) {
            if (System.currentTimeMillis() > deadline) {
                fail(method + " " + path + " answered " + last + ", not " + status + ", for " + TIMEOUT_MS + " ms");
            }
            Thread.sleep(50);
        }
    }

    private Bundle restBundle() {
        for (Bundle b : context.getBundles()) {
            if ("jqm.rest".equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private long enqueueJson(String body) throws Exception {
        JsonNode ji = ok("POST", "/ji", body);
        assertTrue(ji.toString(), ji.path("state").asText().matches("SUBMITTED|HOLDED"));
        return ji.path("id").asLong();
    }

    private void await(long id, String state) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (!state.equals(ok("GET", "/ji/" + id, null).path("state").asText())) {
            if (System.currentTimeMillis() > deadline) {
                fail("instance " + id + " not " + state + " within " + TIMEOUT_MS + " ms");
            }
            Thread.sleep(50);
        }
    }

    @Test
    public void aFreshNodeHasNoClientApiAndEnableDisableEnableWorkOnTheRunningNode() throws Exception {
        assertNull("jqm.rest is installed on a fresh node", restBundle());
        assertEquals(404, call("GET", "/q", null).statusCode());
        assertTrue(console("jqm:features").matches("(?s).*rest\\s+disabled.*"));

        enable();
        assertEquals(Bundle.ACTIVE, restBundle().getState());
        assertTrue(console("jqm:features").matches("(?s).*rest\\s+enabled\\s+ACTIVE.*"));

        assertTrue(console("jqm:disable rest").contains("disabled"));
        awaitStatus("GET", "/q", 404);
        assertNull("jqm.rest is still installed", restBundle());
        assertTrue("a class loader of jqm.rest is left", context.getBundle(0).adapt(FrameworkWiring.class)
                .getRemovalPendingBundles().stream().noneMatch(b -> "jqm.rest".equals(b.getSymbolicName())));
        assertEquals(404, call("GET", "/ji", null).statusCode());

        enable();
        assertEquals(200, call("GET", "/jd", null).statusCode());
    }

    @Test
    public void theConfigurationLineEnablesAndDisablesItToo() throws Exception {
        setLine("rest", "true");
        awaitStatus("GET", "/q", 200);
        assertNotNull(restBundle());
        setLine("rest", "false");
        awaitStatus("GET", "/q", 404);
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (restBundle() != null) {
            assertTrue("jqm.rest is still installed", System.currentTimeMillis() < deadline);
            Thread.sleep(50);
        }
    }

    @Test
    public void everyEndpointAnswersJson() throws Exception {
        deploySample();
        enable();
        assertEquals("HelloWorld", ok("GET", "/jr", null).has("applicationName") ? "HelloWorld" : "");
        JsonNode queues = ok("GET", "/q", null);
        assertTrue(queues.toString(), queues.findValuesAsText("name").contains("DEFAULT"));
        long defaultQueueId = queues.get(0).path("id").asLong();
        JsonNode jds = ok("GET", "/jd", null);
        assertTrue(jds.toString(), jds.findValuesAsText("applicationName").contains("HelloWorld"));
        assertEquals(0, ok("GET", "/jd/no-such-application", null).size());

        // Enqueue, follow to ENDED, read messages, files and logs, download the deliverable.
        long id = enqueueJson("{\"applicationName\":\"HelloWorld\",\"parameters\":{\"name\":\"REST\",\"file\":\"hello.txt\"},"
                + "\"keyword1\":\"k1\",\"sessionID\":\"s1\"}");
        await(id, "ENDED");
        JsonNode ji = ok("GET", "/ji/" + id, null);
        assertEquals("HelloWorld", ji.path("applicationName").asText());
        assertEquals("ops", ji.path("user").asText());
        assertEquals("k1", ji.path("keyword1").asText());
        assertEquals("REST", ji.path("parameters").path("name").asText());
        assertEquals(100, ji.path("progress").asInt());
        assertTrue(ji.path("endDate").isNumber());
        assertEquals(NODE, ji.path("nodeName").asText());
        JsonNode messages = ok("GET", "/ji/" + id + "/messages", null);
        assertTrue(messages.toString(), messages.get(0).asText().startsWith("Hello, REST!"));
        JsonNode files = ok("GET", "/ji/" + id + "/files", null);
        assertEquals(1, files.size());
        assertEquals("hello.txt", files.get(0).path("originalName").asText());
        String fileId = files.get(0).path("id").asText();
        HttpResponse<String> content = call("GET", "/ji/files/" + fileId, null);
        assertEquals(200, content.statusCode());
        assertTrue(content.body(), content.body().startsWith("Hello, REST!"));
        HttpResponse<String> stdout = call("GET", "/ji/" + id + "/stdout", null);
        assertEquals(200, stdout.statusCode());
        assertTrue(stdout.body(), stdout.body().contains("Hello, REST!"));
        assertEquals(200, call("GET", "/ji/" + id + "/stderr", null).statusCode());

        // Lists and the query.
        assertTrue(ok("GET", "/ji", null).findValuesAsText("applicationName").contains("HelloWorld"));
        assertTrue(ok("GET", "/user/ops/ji", null).size() >= 1);
        JsonNode q = ok("POST", "/ji/query", "{\"applicationName\":[\"HelloWorld\"],\"status\":[\"ENDED\"],\"instanceKeyword1\":\"k1\","
                + "\"pageSize\":10,\"sorts\":[{\"col\":\"ID\",\"order\":\"DESCENDING\"}]}");
        assertEquals(1, q.path("resultSize").asInt());
        assertEquals(id, q.path("results").get(0).path("id").asLong());

        // Enqueue again from history, then control waiting instances in a held queue line.
        long copy = ok("POST", "/ji/" + id, null).asLong();
        assertTrue(copy > id);
        await(copy, "ENDED");
        long held = enqueueJson("{\"applicationName\":\"HelloWorld\",\"startState\":\"HOLDED\"}");
        assertEquals("HOLDED", ok("GET", "/ji/" + held, null).path("state").asText());
        JsonNode active = ok("GET", "/ji/active", null);
        assertTrue(active.findValuesAsText("id").contains(Long.toString(held)));
        assertFalse(active.findValuesAsText("id").contains(Long.toString(id)));
        noContent("POST", "/ji/" + held + "/priority/7");
        assertEquals(7, ok("GET", "/ji/" + held, null).path("priority").asInt());
        noContent("POST", "/ji/" + held + "/position/1");
        noContent("POST", "/q/" + defaultQueueId + "/" + held);
        noContent("POST", "/q/DEFAULT/" + held);
        noContent("POST", "/ji/cancelled/" + held);
        assertEquals("CANCELLED", ok("GET", "/ji/" + held, null).path("state").asText());

        long paused = enqueueJson("{\"applicationName\":\"HelloWorld\",\"startState\":\"HOLDED\"}");
        noContent("DELETE", "/ji/waiting/" + paused);
        error(400, "GET", "/ji/" + paused, null);

        // Hold and release (the queue's poller paused meanwhile), kill a running one, restart the killed one.
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName poller = new javax.management.ObjectName("jqm:type=Node.Queue,Node=" + NODE + ",name=DEFAULT");
        jmx.invoke(poller, "pause", null, null);
        long slow;
        try {
            slow = enqueueJson("{\"applicationName\":\"HelloWorld\",\"parameters\":{\"seconds\":\"30\"}}");
            noContent("POST", "/ji/paused/" + slow);
            assertEquals("HOLDED", ok("GET", "/ji/" + slow, null).path("state").asText());
            noContent("DELETE", "/ji/paused/" + slow);
            assertEquals("SUBMITTED", ok("GET", "/ji/" + slow, null).path("state").asText());
        } finally {
            jmx.invoke(poller, "resume", null, null);
        }
        await(slow, "RUNNING");
        noContent("POST", "/ji/killed/" + slow);
        await(slow, "KILLED");
        JsonNode again = ok("DELETE", "/ji/crashed/" + slow, null);
        long second = again.path("id").asLong();
        assertTrue(second > slow);
        assertEquals("30", again.path("parameters").path("seconds").asText());
        noContent("POST", "/ji/killed/" + second);
        awaitEnd(second);

        // The description lists every route.
        JsonNode api = ok("GET", "/openapi.json", null);
        for (String path : List.of("/ji", "/ji/active", "/ji/query", "/ji/{id}", "/ji/{id}/messages", "/ji/{id}/files",
                "/ji/{id}/stdout", "/ji/{id}/stderr", "/ji/files/{fileId}", "/ji/cancelled/{id}", "/ji/waiting/{id}",
                "/ji/killed/{id}", "/ji/paused/{id}", "/ji/crashed/{id}", "/ji/{id}/position/{position}",
                "/ji/{id}/priority/{priority}", "/user/{name}/ji", "/q", "/q/{queue}/{id}", "/jd", "/jd/{application}", "/jr")) {
            assertTrue("OpenAPI lacks " + path, api.path("paths").has(path));
        }
    }

    @Test
    public void positionChangesTheOrderInWhichWaitingInstancesRun() throws Exception {
        deploySample();
        enable();
        // A queue of one slot: its instances run one after the other, in the order of its line.
        org.osgi.service.cm.Configuration line = service(ConfigurationAdmin.class).getFactoryConfiguration("jqm.queue", "line", "?");
        Dictionary<String, Object> q = new Hashtable<>();
        q.put("max.concurrent", 1);
        q.put("polling.interval.ms", 100L);
        line.update(q);
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName poller = new javax.management.ObjectName("jqm:type=Node.Queue,Node=" + NODE + ",name=line");
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (!jmx.isRegistered(poller)) {
            assertTrue("the queue line is not polled", System.currentTimeMillis() < deadline);
            Thread.sleep(50);
        }
        jmx.invoke(poller, "pause", null, null);
        try {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(enqueueJson("{\"applicationName\":\"HelloWorld\",\"queueName\":\"line\"}"));
            }
            noContent("POST", "/ji/" + ids.get(2) + "/position/1");
            noContent("POST", "/ji/" + ids.get(1) + "/position/99"); // beyond the end: last
            jmx.invoke(poller, "resume", null, null);
            List<jqm.api.client.JobInstance> ended = new ArrayList<>();
            for (long id : ids) {
                ended.add(awaitEnd(id));
            }
            ended.sort(java.util.Comparator.comparing(jqm.api.client.JobInstance::getBeganRunningDate));
            assertEquals(List.of(ids.get(2), ids.get(0), ids.get(1)), ended.stream().map(jqm.api.client.JobInstance::getId).toList());
        } finally {
            line.delete();
        }
    }

    @Test
    public void rolesAreCheckedOnEveryCall() throws Exception {
        deploySample();
        enable();
        as(null);
        assertEquals(401, call("GET", "/q", null).statusCode());
        assertEquals(401, call("POST", "/ji", "{\"applicationName\":\"HelloWorld\"}").statusCode());
        as("ops");
        String wrong = "Basic " + Base64.getEncoder().encodeToString("ops:not-the-password".getBytes(StandardCharsets.UTF_8));
        auth = wrong;
        assertEquals(401, call("GET", "/q", null).statusCode());

        as("viewer");
        error(403, "POST", "/ji", "{\"applicationName\":\"HelloWorld\"}");
        long opsHeld = client.enqueue(JobRequest.of("HelloWorld").setUser("ops").setStartHeld(true));
        assertEquals("ops", ok("GET", "/ji/" + opsHeld, null).path("user").asText());
        error(403, "POST", "/ji/cancelled/" + opsHeld, null);

        as("cli");
        // A client's instance is its own whatever the body says.
        long mine = enqueueJson("{\"applicationName\":\"HelloWorld\",\"user\":\"someone-else\",\"startState\":\"HOLDED\"}");
        assertEquals("cli", ok("GET", "/ji/" + mine, null).path("user").asText());
        error(400, "GET", "/ji/" + opsHeld, null);
        error(400, "POST", "/ji/cancelled/" + opsHeld, null);
        assertFalse(ok("GET", "/ji", null).findValuesAsText("id").contains(Long.toString(opsHeld)));
        assertEquals(Set.of("cli"), Set.copyOf(ok("POST", "/ji/query", "{\"queryLiveInstances\":true}").path("results").findValuesAsText("user")));
        error(403, "GET", "/user/ops/ji", null);
        noContent("POST", "/ji/cancelled/" + mine);

        as("cli2");
        error(400, "GET", "/ji/" + mine, null);
        as("ops");
        noContent("POST", "/ji/cancelled/" + opsHeld);
        assertEquals(State.CANCELLED, client.get(opsHeld).getState());
    }

    @Test
    public void badInputIsAnswered400WithAClearJsonError() throws Exception {
        deploySample();
        enable();
        JsonNode e = error(400, "POST", "/ji", "{\"applicationName\": \"HelloWorld\",");
        assertEquals("MALFORMED_JSON", e.path("code").asText());
        e = error(400, "POST", "/ji", "{\"applicatioName\":\"HelloWorld\"}");
        assertTrue(e.toString(), e.path("userReadableMessage").asText().contains("applicatioName"));
        e = error(400, "POST", "/ji", "");
        assertEquals("MALFORMED_JSON", e.path("code").asText());
        e = error(400, "POST", "/ji", "{\"applicationName\":\"NoSuchJob\"}");
        assertTrue(e.toString(), e.path("userReadableMessage").asText().contains("NoSuchJob"));
        error(400, "POST", "/ji", "{\"applicationName\":\"HelloWorld\",\"recurrence\":\"* * * * *\"}");
        error(400, "POST", "/ji", "{\"applicationName\":\"HelloWorld\",\"priority\":11}");
        e = error(400, "GET", "/ji/999999", null);
        assertEquals("NO_SUCH_INSTANCE", e.path("code").asText());
        error(400, "GET", "/ji/abc", null);
        error(400, "POST", "/ji/killed/999999", null);
        error(400, "GET", "/ji/files/0123456789abcdef0123456789abcdef", null);
        error(400, "POST", "/ji/query", "{\"pageSize\":5000}");
        error(400, "POST", "/ji/query", "{\"sorts\":[{\"col\":\"NOPE\"}]}");
        long done = client.enqueue(JobRequest.of("HelloWorld"));
        awaitEnd(done);
        e = error(400, "POST", "/ji/cancelled/" + done, null);
        assertTrue(e.toString(), e.path("userReadableMessage").asText().contains("ENDED"));
        error(400, "POST", "/ji/" + done + "/priority/99", null);
        error(404, "GET", "/nothing/here", null);
        // A body over the limit (1 MiB) is refused, unread, with its own answer; the caller still gets that answer,
        // not a connection cut under it while it sends (the HTTP runtime reads what is left of the body).
        for (int size : new int[] { 1_200_000, 30_000_000 }) {
            e = error(413, "POST", "/ji", "{\"applicationName\":\"HelloWorld\",\"parameters\":{\"x\":\"" + "a".repeat(size) + "\"}}");
            assertEquals("TOO_LARGE", e.path("code").asText());
        }
        error(405, "PUT", "/ji", "{}");
        // Nothing was lost or changed by the refusals.
        assertEquals(State.ENDED, client.get(done).getState());
    }
}
