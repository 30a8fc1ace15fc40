package jqm.api.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request to run a job definition, given to {@link JqmClient#enqueue(JobRequest)}. The field names
 * are those of JQM's client API. Only the job definition's name is required; setters return the
 * request so that it can be written in one expression:
 *
 * <pre>
 * long id = client.enqueue(JobRequest.of("Invoices").setUser("alice").addParameter("month", "2026-11"));
 * </pre>
 *
 * <p>Not thread-safe: build it on one thread, then enqueue it.
 */
public class JobRequest {
    private String applicationName;
    private String user;
    private String sessionID;
    private String application;
    private String module;
    private String keyword1;
    private String keyword2;
    private String keyword3;
    private String email;
    private Long parentID;
    private String queueName;
    private Integer priority;
    private Map<String, String> parameters = new LinkedHashMap<>();
    private java.time.Instant runAfter;
    private boolean startHeld;

    /** An empty request; at least {@link #setApplicationName(String)} must be called before use. */
    public JobRequest() {
    }

    /**
     * @param applicationName the name of the job definition to run
     * @return a new request for it
     */
    public static JobRequest of(String applicationName) {
        return new JobRequest().setApplicationName(applicationName);
    }

    /** @return the name of the job definition to run (JQM's application name) */
    public String getApplicationName() {
        return applicationName;
    }

    public JobRequest setApplicationName(String applicationName) {
        this.applicationName = applicationName;
        return this;
    }

    /** @return who asked for the run, free text kept in history; may be {@code null} */
    public String getUser() {
        return user;
    }

    public JobRequest setUser(String user) {
        this.user = user;
        return this;
    }

    /** @return a free session identifier to find related instances later; may be {@code null} */
    public String getSessionID() {
        return sessionID;
    }

    public JobRequest setSessionID(String sessionID) {
        this.sessionID = sessionID;
        return this;
    }

    /** @return a free tag: the application the request comes from; may be {@code null} */
    public String getApplication() {
        return application;
    }

    public JobRequest setApplication(String application) {
        this.application = application;
        return this;
    }

    /** @return a free tag: the module the request comes from; may be {@code null} */
    public String getModule() {
        return module;
    }

    public JobRequest setModule(String module) {
        this.module = module;
        return this;
    }

    /** @return the first free keyword; may be {@code null} */
    public String getKeyword1() {
        return keyword1;
    }

    public JobRequest setKeyword1(String keyword1) {
        this.keyword1 = keyword1;
        return this;
    }

    /** @return the second free keyword; may be {@code null} */
    public String getKeyword2() {
        return keyword2;
    }

    public JobRequest setKeyword2(String keyword2) {
        this.keyword2 = keyword2;
        return this;
    }

    /** @return the third free keyword; may be {@code null} */
    public String getKeyword3() {
        return keyword3;
    }

    public JobRequest setKeyword3(String keyword3) {
        this.keyword3 = keyword3;
        return this;
    }

    /** @return an e-mail address to notify at the end, kept in history; may be {@code null} */
    public String getEmail() {
        return email;
    }

    public JobRequest setEmail(String email) {
        this.email = email;
        return this;
    }

    /** @return the id of the parent instance, for a child job; may be {@code null} */
    public Long getParentID() {
        return parentID;
    }

    public JobRequest setParentID(Long parentID) {
        this.parentID = parentID;
        return this;
    }

    /** @return the queue to wait in, instead of the job definition's default; may be {@code null} */
    public String getQueueName() {
        return queueName;
    }

    public JobRequest setQueueName(String queueName) {
        this.queueName = queueName;
        return this;
    }

    /**
     * @return the priority from 1 (lowest) to 10 (highest): higher priorities are claimed first;
     *         {@code null} for the default, 0
     */
    public Integer getPriority() {
        return priority;
    }

    public JobRequest setPriority(Integer priority) {
        this.priority = priority;
        return this;
    }

    /**
     * @return the moment before which the instance must not start ({@code SCHEDULED} until then), or
     *         {@code null} to start as soon as a node is free
     */
    public java.time.Instant getRunAfter() {
        return runAfter;
    }

    public JobRequest setRunAfter(java.time.Instant runAfter) {
        this.runAfter = runAfter;
        return this;
    }

    /** @return whether the instance is created HOLDED: it waits until resumed */
    public boolean isStartHeld() {
        return startHeld;
    }

    public JobRequest setStartHeld(boolean startHeld) {
        this.startHeld = startHeld;
        return this;
    }

    /** @return the parameters of the run, overriding the job definition's defaults; never {@code null} */
    public Map<String, String> getParameters() {
        return parameters;
    }

    public JobRequest setParameters(Map<String, String> parameters) {
        this.parameters = parameters == null ? new LinkedHashMap<>() : new LinkedHashMap<>(parameters);
        return this;
    }

    /**
     * Adds or replaces one parameter.
     *
     * @param key the parameter name, not {@code null}
     * @param value its value, not {@code null}
     * @return this request
     */
    public JobRequest addParameter(String key, String value) {
        parameters.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    @Override
    public String toString() {
        return "JobRequest[" + applicationName + ", user=" + user + ", parameters=" + parameters.keySet() + "]";
    }
}
