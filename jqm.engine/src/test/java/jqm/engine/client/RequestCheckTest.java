package jqm.engine.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import jqm.api.client.JobRequest;
import jqm.api.client.JqmInvalidRequestException;
import jqm.engine.model.Instance;

public class RequestCheckTest {
    private static String refused(JobRequest r) {
        return assertThrows(JqmInvalidRequestException.class, () -> RequestCheck.check(r)).getMessage();
    }

    @Test
    public void aMissingOrBlankJobNameIsRefused() {
        assertTrue(refused(new JobRequest()).contains("applicationName"));
        assertTrue(refused(JobRequest.of("  ")).contains("applicationName"));
        assertTrue(refused(null).contains("missing"));
    }

    @Test
    public void priorityOutOfRangeIsRefused() {
        assertTrue(refused(JobRequest.of("A").setPriority(11)).contains("priority"));
        assertTrue(refused(JobRequest.of("A").setPriority(-1)).contains("priority"));
    }

    @Test
    public void parametersMustHaveNamesAndValues() {
        JobRequest r = JobRequest.of("A");
        r.getParameters().put("", "x");
        assertTrue(refused(r).contains("no name"));
        JobRequest r2 = JobRequest.of("A");
        r2.getParameters().put("k", null);
        assertTrue(refused(r2).contains("'k' has no value"));
        assertTrue(refused(JobRequest.of("A").addParameter("k", "v".repeat(4001))).contains("longer than"));
    }

    @Test
    public void tooLongFieldsAreNamed() {
        assertTrue(refused(JobRequest.of("A").setUser("u".repeat(101))).contains("user"));
        assertTrue(refused(JobRequest.of("A").setQueueName(" ")).contains("queue"));
    }

    @Test
    public void aValidRequestIsCopied() {
        Instance i = RequestCheck.check(JobRequest.of(" Hello ").setUser("bob").setPriority(5).setKeyword2("k2"));
        assertEquals("Hello", i.getJobName());
        assertEquals("bob", i.getUsername());
        assertEquals(5, i.getPriority());
        assertEquals("k2", i.getKeyword2());
    }
}
