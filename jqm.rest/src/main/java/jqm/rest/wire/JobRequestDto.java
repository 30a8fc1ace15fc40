package jqm.rest.wire;

import java.util.Date;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAlias;

import jqm.api.client.JobRequest;
import jqm.api.client.JqmInvalidRequestException;
import jqm.api.client.State;

/** {@code POST /ji}: what to enqueue, as JQM's {@code JobRequest}. */
public record JobRequestDto(String applicationName, String user, String sessionID, String traceId, String application,
        String module, String keyword1, String keyword2, String keyword3, String email, String queueName,
        @JsonAlias("parentID") Long parentJobId, Long scheduleId, State startState, Integer priority,
        Map<String, String> parameters, Date runAfter, String recurrence) {

    /** @return the request for the client service; what this engine does not do is refused, not ignored */
    public JobRequest toRequest() {
        if (recurrence != null && !recurrence.isBlank()) {
            throw new JqmInvalidRequestException("'recurrence' is not supported: this engine has no schedules");
        }
        if (scheduleId != null) {
            throw new JqmInvalidRequestException("'scheduleId' is not supported: this engine has no schedules");
        }
        if (startState != null && startState != State.SUBMITTED && startState != State.HOLDED) {
            throw new JqmInvalidRequestException("'startState' may be SUBMITTED or HOLDED, not " + startState);
        }
        JobRequest r = JobRequest.of(applicationName).setUser(user).setSessionID(sessionID).setApplication(application)
                .setModule(module).setKeyword1(keyword1).setKeyword2(keyword2).setKeyword3(keyword3).setEmail(email)
                .setQueueName(queueName).setParentID(parentJobId)
                .setPriority(priority == null || priority == 0 ? null : priority)
                .setRunAfter(runAfter == null ? null : runAfter.toInstant()).setStartHeld(startState == State.HOLDED);
        if (parameters != null) {
            parameters.forEach(r::addParameter);
        }
        return r;
    }

    /** @return an empty request ({@code GET /jr}), to fill in */
    public static JobRequestDto empty() {
        return new JobRequestDto(null, null, null, null, null, null, null, null, null, null, null, null, null, null, 0,
                Map.of(), null, null);
    }
}
