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

    @Before
    public void http() throws Exception {
        base = "http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port") + "/ws/simple/";
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

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String... kv) throws Exception {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            form.append(form.length() == 0 ? "" : "&").append(URLEncoder.encode(kv[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
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
        for (HttpResponse<String> r : new HttpResponse[] { unknown, missing, unpaired, none }) {
            assertTrue("no stack trace: " + r.body(), !r.body().contains("Exception") && !r.body().contains("\tat "));
        }

        assertEquals("no instance was created", before, client.getJobs(1000).size());
    }

    @Test
    public void httpListensOnLoopbackOnly() throws Exception {
        // The default binding comes from the runtime's properties: loopback, never all interfaces.
        assertEquals("127.0.0.1", context.getProperty("org.apache.felix.http.host"));
    }
}
