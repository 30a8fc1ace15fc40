package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import jqm.api.client.State;

/** The simple HTTP API over real HTTP: enqueue a form, follow the state, and bad input answered 4xx. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SimpleApiIT extends JqmTestSupport {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String base;

    /** Accounts of the test, by name: their Basic authorization. */
    private static final java.util.Map<String, String> AUTH = new java.util.concurrent.ConcurrentHashMap<>();

    private String auth = "";

    private void account(String name, jqm.api.security.Role role) throws Exception {
        jqm.api.security.Accounts accounts = service(jqm.api.security.Accounts.class);
        if (accounts.find(name).isEmpty()) {
            String password = accounts.create(name, java.util.Set.of(role), null);
            AUTH.put(name, "Basic " + java.util.Base64.getEncoder()
                    .encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Makes the next calls as that account ({@code null}: without credentials). */
    private void as(String name) {
        auth = name == null ? "" : AUTH.get(name);
    }

    @Before
    public void http() throws Exception {
        base = "http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port") + "/ws/simple/";
        account("ops", jqm.api.security.Role.OPERATOR);
        account("viewer", jqm.api.security.Role.VIEWER);
        account("cli", jqm.api.security.Role.CLIENT);
        account("cli2", jqm.api.security.Role.CLIENT);
        as("ops");
        deploySample();
        // The servlets are registered with the whiteboard a moment after their service.
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (get("status?id=1").statusCode() == 404 && get("status?id=1").body().isBlank()) {
            if (System.currentTimeMillis() > deadline) {
                fail("the simple API is not served");
            }
            Thread.sleep(50);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        return auth.isEmpty() ? b : b.header("Authorization", auth);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String... kv) throws Exception {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            form.append(form.length() == 0 ? "" : "&").append(URLEncoder.encode(kv[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return http.send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    public void aFormEnqueuesAndTheStatusReachesEnded() throws Exception {
        HttpResponse<String> r = post("ji", "applicationname", "HelloWorld", "user", "web", "parameterNames", "name",
                "parameterValues", "HTTP");
        assertEquals(r.body(), 200, r.statusCode());
        long id = Long.parseLong(r.body().trim());

        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        String state;
        do {
            HttpResponse<String> s = get("status?id=" + id);
            assertEquals(s.body(), 200, s.statusCode());
            state = s.body().trim();
            Thread.sleep(50);
        } while (!state.equals("ENDED") && System.currentTimeMillis() < deadline);
        assertEquals("ENDED", state);
        assertEquals(State.ENDED, client.get(id).getState());
        assertEquals("HTTP", client.get(id).getParameters().get("name"));
        assertEquals("web", client.get(id).getUser());
    }

    @Test
    public void badInputIsAnsweredWithAClearClientError() throws Exception {
        int before = client.getJobs(1000).size();

        HttpResponse<String> unknown = post("ji", "applicationname", "NoSuchJob");
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body(), unknown.body().contains("no job definition named 'NoSuchJob'"));

        HttpResponse<String> missing = post("ji", "user", "x");
        assertEquals(400, missing.statusCode());
        assertTrue(missing.body(), missing.body().contains("applicationName"));

        HttpResponse<String> unpaired = post("ji", "applicationname", "HelloWorld", "parameterNames", "a");
        assertEquals(400, unpaired.statusCode());
        assertTrue(unpaired.body(), unpaired.body().contains("parameterValues"));

        assertEquals(400, get("status?id=abc").statusCode());
        assertEquals(400, get("status").statusCode());
        assertEquals(400, get("status?id=-3").statusCode());
        HttpResponse<String> none = get("status?id=987654321");
        assertEquals(404, none.statusCode());
        assertTrue(none.body(), none.body().contains("987654321"));
        assertEquals("enqueue is POST only", 405, get("ji").statusCode());
        HttpResponse<String> huge = post("ji", "applicationname", "HelloWorld", "parameterNames", "big", "parameterValues",
                "x".repeat(300_000));
        assertTrue("an oversized form is the caller's mistake: " + huge.statusCode(), huge.statusCode() == 400 || huge.statusCode() == 413);
        assertTrue(huge.body(), !huge.body().contains("Exception") && !huge.body().contains("\tat "));
        for (HttpResponse<String> r : new HttpResponse[] { unknown, missing, unpaired, none }) {
            assertTrue("no stack trace: " + r.body(), !r.body().contains("Exception") && !r.body().contains("\tat "));
        }

        assertEquals("no instance was created", before, client.getJobs(1000).size());
    }

    @Test
    public void callsAreAuthenticatedAndEachNeedsItsRole() throws Exception {
        as(null);
        HttpResponse<String> none = get("status?id=1");
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        auth = "Basic " + java.util.Base64.getEncoder().encodeToString("ops:wrong-password".getBytes(StandardCharsets.UTF_8));
        assertEquals("a wrong password", 401, get("status?id=1").statusCode());
        auth = "Basic !!!";
        assertEquals("malformed credentials", 401, get("status?id=1").statusCode());

        as("viewer");
        HttpResponse<String> refused = post("ji", "applicationname", "HelloWorld");
        assertEquals("a viewer may not enqueue", 403, refused.statusCode());
        assertTrue(refused.body(), refused.body().contains("CLIENT"));

        as("cli");
        long mine = Long.parseLong(post("ji", "applicationname", "HelloWorld", "user", "somebody-else").body().trim());
        assertEquals("a client's instances are its own", "cli", client.get(mine).getUser());
        assertEquals(200, get("status?id=" + mine).statusCode());
        as("cli2");
        assertEquals("a client does not see others' instances", 404, get("status?id=" + mine).statusCode());
        as("viewer");
        assertEquals("a viewer reads everything", 200, get("status?id=" + mine).statusCode());
    }

    @Test
    public void logsFilesAndHealthAreServed() throws Exception {
        org.osgi.framework.ServiceRegistration<jqm.api.payload.JobPayload> reg = context.registerService(
                jqm.api.payload.JobPayload.class, ctx -> {
                    System.out.println("to stdout");
                    System.err.println("to stderr");
                    java.nio.file.Path f = ctx.workDirectory().resolve("report 1.csv");
                    java.nio.file.Files.writeString(f, "a;b\n1;2\n");
                    ctx.addDeliverable(f, "report");
                }, new java.util.Hashtable<>(java.util.Map.of(jqm.api.payload.JobPayload.JOBDEF, "Files")));
        try {
            awaitService("(&(objectClass=jqm.api.payload.JobPayload)(jqm.jobdef=Files))");
            long id = Long.parseLong(post("ji", "applicationname", "Files").body().trim());
            assertEquals(State.ENDED, awaitEnd(id).getState());

            assertEquals("to stdout\n", get("stdout?id=" + id).body());
            assertEquals("to stderr\n", get("stderr?id=" + id).body());
            String fileId = client.getDeliverables(id).get(0).getId();
            HttpResponse<String> file = get("file?id=" + fileId);
            assertEquals(200, file.statusCode());
            assertEquals("a;b\n1;2\n", file.body());
            assertTrue(file.headers().firstValue("Content-Disposition").orElse("").contains("filename=\"report_1.csv\""));
            assertEquals(400, get("file?id=../../../etc/passwd").statusCode());
            assertEquals(400, get("file?id=").statusCode());
            assertEquals(404, get("file?id=0123456789abcdef0123456789abcdef").statusCode());
            assertEquals(400, get("stdout?id=x").statusCode());
            assertEquals(404, get("stderr?id=987654321").statusCode());

            HttpResponse<String> health = get("localnode/health");
            assertEquals(200, health.statusCode());
            assertTrue(health.body(), health.body().contains(NODE + " OK"));

            String accessLog = java.nio.file.Files.readString(java.nio.file.Paths.get((String) service(
                    org.osgi.service.cm.ConfigurationAdmin.class).getConfiguration("jqm.http", "?").getProperties().get("access.log")));
            assertTrue(accessLog, accessLog.matches("(?s).* ops 127\\.0\\.0\\.1 GET /ws/simple/localnode/health 200 \\d+ms.*"));
            assertTrue(accessLog, accessLog.matches("(?s).* - 127\\.0\\.0\\.1 GET /ws/simple/status 401 \\d+ms.*")
                    || !accessLog.contains(" 401 "));
            assertTrue("no password in the access log", !accessLog.contains("wrong-password"));
        } finally {
            reg.unregister();
        }
    }

    @Test
    public void httpListensOnLoopbackOnly() throws Exception {
        // The default binding comes from the runtime's properties: loopback, never all interfaces.
        assertEquals("127.0.0.1", context.getProperty("org.apache.felix.http.host"));
    }
}
