package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.JqmInvalidRequestException;
import jqm.api.client.State;

/** A job definition comes with its payload bundle; a node without the payload crashes the instance, loudly. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class PayloadDeploymentIT extends JqmTestSupport {

    @Test
    public void aJobDefinitionExistsOnceItsPayloadIsDeployed() throws Exception {
        String refused = thrown(JqmInvalidRequestException.class,
                () -> client.enqueue(JobRequest.of("HelloWorld"))).getMessage();
        assertTrue(refused, refused.contains("no job definition is deployed"));

        deploySample();

        assertEquals(State.ENDED, awaitEnd(client.enqueue(JobRequest.of("HelloWorld"))).getState());
    }

    @Test
    public void anInstanceWhosePayloadIsGoneEndsCrashedNamingIt() throws Exception {
        Bundle payload = deploySample();
        payload.uninstall();

        // The job definition stays in the database: the request is accepted, and the node that claims it
        // has no payload for it.
        JobInstance j = awaitEnd(client.enqueue(JobRequest.of("HelloWorld")));

        assertEquals(State.CRASHED, j.getState());
        assertTrue(j.getMessages().toString(), j.getMessages().stream()
                .anyMatch(m -> m.contains("No payload for job definition HelloWorld is deployed on node " + NODE)));
    }
}
