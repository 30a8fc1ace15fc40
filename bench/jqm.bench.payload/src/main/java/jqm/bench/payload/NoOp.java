package jqm.bench.payload;

import org.osgi.service.component.annotations.Component;

import jqm.api.payload.JobContext;
import jqm.api.payload.JobPayload;

/** The job definition {@code NoOp} of queue {@code bench}: does nothing, so that a benchmark measures the engine alone. */
@Component(property = { JobPayload.JOBDEF + "=NoOp", JobPayload.QUEUE + "=bench", JobPayload.DESCRIPTION + "=Does nothing (benchmarks)" })
public class NoOp implements JobPayload {
    @Override
    public void run(JobContext context) {
        // nothing: the benchmark measures the engine
    }
}
