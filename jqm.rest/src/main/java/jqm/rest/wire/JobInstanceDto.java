package jqm.rest.wire;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import jqm.api.client.JobInstance;
import jqm.api.client.State;

/** A job instance, waiting, running or ended, as JQM's {@code JobInstance}. */
public record JobInstanceDto(long id, String applicationName, Long parent, String user, String sessionID, String traceId,
        State state, Long position, Integer priority, QueueDto queue, String queueName, String keyword1, String keyword2,
        String keyword3, String definitionKeyword1, String definitionKeyword2, String definitionKeyword3, String module,
        String email, String application, Map<String, String> parameters, Integer progress, List<String> messages,
        Date enqueueDate, Date attributionDate, Date beganRunningDate, Date endDate, Date runAfter, String nodeName,
        boolean highlander, boolean fromSchedule) {

    /** @param queue the instance's queue, when known */
    public static JobInstanceDto of(JobInstance j, QueueDto queue) {
        return new JobInstanceDto(j.getId(), j.getApplicationName(), j.getParent(), j.getUser(), j.getSessionID(), null,
                j.getState(), null, j.getPriority(), queue, j.getQueueName(), j.getKeyword1(), j.getKeyword2(),
                j.getKeyword3(), null, null, null, j.getModule(), j.getEmail(), j.getApplication(), j.getParameters(),
                j.getProgress(), j.getMessages(), date(j.getEnqueueDate()), date(j.getAttributionDate()),
                date(j.getBeganRunningDate()), date(j.getEndDate()), date(j.getRunAfter()), j.getNodeName(), false, false);
    }

    static Date date(Instant i) {
        return i == null ? null : Date.from(i);
    }
}
