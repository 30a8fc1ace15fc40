package jqm.engine.client;

import java.util.Map;

import jqm.api.client.JobRequest;
import jqm.api.client.JqmInvalidRequestException;
import jqm.engine.model.Instance;

/** Checks a job request field by field, and turns it into the fields of a new instance. */
final class RequestCheck {
    private RequestCheck() {
    }

    /**
     * @return a new instance holding the request's fields (job name, tags, user, priority...)
     * @throws JqmInvalidRequestException naming the first field that is wrong
     */
    static Instance check(JobRequest r) {
        if (r == null) {
            throw new JqmInvalidRequestException("The job request is missing");
        }
        String name = r.getApplicationName() == null ? "" : r.getApplicationName().trim();
        if (name.isEmpty()) {
            throw new JqmInvalidRequestException("The job definition name (applicationName) is missing");
        }
        Instance i = new Instance();
        i.setJobName(text("applicationName", name));
        i.setUsername(text("user", r.getUser()));
        i.setSessionId(text("sessionID", r.getSessionID()));
        i.setApplication(text("application", r.getApplication()));
        i.setModule(text("module", r.getModule()));
        i.setKeyword1(text("keyword1", r.getKeyword1()));
        i.setKeyword2(text("keyword2", r.getKeyword2()));
        i.setKeyword3(text("keyword3", r.getKeyword3()));
        i.setEmail(text("email", r.getEmail()));
        if (r.getQueueName() != null && r.getQueueName().isBlank()) {
            throw new JqmInvalidRequestException("The queue name is empty; leave it out to use the job definition's queue");
        }
        Integer priority = r.getPriority();
        if (priority != null && (priority < 0 || priority > 10)) {
            throw new JqmInvalidRequestException("The priority must be between 1 (lowest) and 10 (highest), not " + priority);
        }
        i.setPriority(priority == null ? 0 : priority);
        i.setParentId(r.getParentID());
        Map<String, String> params = r.getParameters();
        if (params != null) {
            for (Map.Entry<String, String> e : params.entrySet()) {
                if (e.getKey() == null || e.getKey().isBlank()) {
                    throw new JqmInvalidRequestException("A parameter has no name");
                }
                if (e.getKey().length() > Client.MAX_NAME) {
                    throw new JqmInvalidRequestException("The parameter name '" + e.getKey().substring(0, 20)
                            + "...' is longer than " + Client.MAX_NAME + " characters");
                }
                if (e.getValue() == null) {
                    throw new JqmInvalidRequestException("The parameter '" + e.getKey() + "' has no value");
                }
                if (e.getValue().length() > Client.MAX_VALUE) {
                    throw new JqmInvalidRequestException("The value of parameter '" + e.getKey() + "' is longer than "
                            + Client.MAX_VALUE + " characters");
                }
            }
        }
        return i;
    }

    private static String text(String field, String value) {
        if (value != null && value.length() > Client.MAX_NAME) {
            throw new JqmInvalidRequestException("The field " + field + " is longer than " + Client.MAX_NAME + " characters");
        }
        return value;
    }
}
