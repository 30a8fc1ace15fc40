package jqm.bench.payload;

import org.osgi.service.component.annotations.Component;

import jqm.api.payload.JobContext;
import jqm.api.payload.JobPayload;

/**
 * The job definition {@code NoOpSink} of queue {@code sink}, which no node polls: what the enqueue
 * benchmarks create, so that they measure enqueues alone.
 */
@Component(property = { JobPayload.JOBDEF + "=NoOpSink", JobPayload.QUEUE + "=sink",
        JobPayload.DESCRIPTION + "=Does nothing, waits in a queue nobody polls (benchmarks)" })
public class NoOpSink implements JobPayload {
    @Override
    public void run(JobContext context) {
        // never run: its queue is not polled
    }
}
