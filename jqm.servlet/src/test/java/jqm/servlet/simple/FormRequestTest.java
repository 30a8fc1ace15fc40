package jqm.servlet.simple;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.Test;

import jqm.api.client.JobRequest;
import jqm.api.client.JqmInvalidRequestException;

public class FormRequestTest {
    private static Map<String, String[]> form(String... kv) {
        Map<String, String[]> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            String[] old = m.getOrDefault(kv[i], new String[0]);
            String[] n = java.util.Arrays.copyOf(old, old.length + 1);
            n[old.length] = kv[i + 1];
            m.put(kv[i], n);
        }
        return m;
    }

    @Test
    public void jqmFieldNamesArePairedIntoARequest() {
        JobRequest r = FormRequest.read(form("applicationname", "HelloWorld", "user", "bob", "mail", "b@x.org",
                "sessionid", "s1", "parentid", "12", "keyword2", "k2", "parameterNames", "a", "parameterValues", "1",
                "parameterNames", "b", "parameterValues", "2"));
        assertEquals("HelloWorld", r.getApplicationName());
        assertEquals("bob", r.getUser());
        assertEquals("b@x.org", r.getEmail());
        assertEquals("s1", r.getSessionID());
        assertEquals(Long.valueOf(12), r.getParentID());
        assertEquals("k2", r.getKeyword2());
        assertEquals(Map.of("a", "1", "b", "2"), r.getParameters());
        assertNull(r.getModule());
    }

    @Test
    public void unpairedParametersAreRefused() {
        String msg = assertThrows(JqmInvalidRequestException.class,
                () -> FormRequest.read(form("applicationname", "A", "parameterNames", "a"))).getMessage();
        assertTrue(msg, msg.contains("1 parameterNames but 0 parameterValues"));
    }

    @Test
    public void repeatedFieldsAndBadParentAreRefused() {
        assertThrows(JqmInvalidRequestException.class,
                () -> FormRequest.read(form("applicationname", "A", "applicationname", "B")));
        assertThrows(JqmInvalidRequestException.class, () -> FormRequest.read(form("applicationname", "A", "parentid", "x")));
        assertThrows(JqmInvalidRequestException.class, () -> FormRequest.read(form("applicationname", "A",
                "parameterNames", "a", "parameterValues", "1", "parameterNames", "a", "parameterValues", "2")));
    }
}
