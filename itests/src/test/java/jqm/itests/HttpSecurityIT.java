package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Set;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import jqm.api.security.Accounts;
import jqm.api.security.Role;

/** Repeated failed logins are slowed down; turning authentication off works on loopback only, and says so. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HttpSecurityIT extends JqmTestSupport {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> health(String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port") + "/ws/simple/localnode/health"));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private void awaitServed(String authorization) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (health(authorization).statusCode() == 404) {
            assertTrue("the simple API is served", System.currentTimeMillis() < deadline);
            Thread.sleep(50);
        }
    }

    @Test
    public void repeatedFailedLoginsAreSlowedDown() throws Exception {
        String password = service(Accounts.class).create("watcher", Set.of(Role.VIEWER), null);
        awaitServed(basic("watcher", password));
        assertEquals(200, health(basic("watcher", password)).statusCode());
        for (int i = 0; i < 5; i++) {
            assertEquals(401, health(basic("watcher", "guess-" + i)).statusCode());
        }
        HttpResponse<String> slowed = health(basic("watcher", password));
        assertEquals("even the right password waits after 5 failures from this address", 429, slowed.statusCode());
        assertTrue(slowed.headers().firstValue("Retry-After").isPresent());
        Thread.sleep(1100);
        assertEquals("after the wait, the right password works again", 200, health(basic("watcher", password)).statusCode());
    }

    @Test
    public void authenticationOffAppliesToLoopbackOnly() throws Exception {
        awaitServed(null);
        assertEquals(401, health(null).statusCode());
        Configuration c = service(ConfigurationAdmin.class).getConfiguration("jqm.http", "?");
        Dictionary<String, Object> props = c.getProperties();
        Dictionary<String, Object> off = new Hashtable<>();
        off.put("access.log", props.get("access.log"));
        off.put("authentication", false);
        c.update(off);
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (health(null).statusCode() != 200) {
            assertTrue("anonymous calls through loopback are accepted", System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
        Dictionary<String, Object> on = new Hashtable<>();
        on.put("access.log", props.get("access.log"));
        c.update(on);
        while (health(null).statusCode() != 401) {
            assertTrue("authentication is back", System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
    }
}
