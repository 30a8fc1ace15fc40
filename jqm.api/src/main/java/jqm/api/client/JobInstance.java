package jqm.api.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a job instance, waiting, running or ended, as returned by {@link JqmClient}. The
 * field names are those of JQM's client API. Changing a snapshot changes nothing in JQM.
 */
public class JobInstance {
    private long id;
    private Long parent;
    private String applicationName;
    private String queueName;
    private String nodeName;
    private State state;
    private String user;
    private String sessionID;
    private String application;
    private String module;
    private String keyword1;
    private String keyword2;
    private String keyword3;
    private String email;
    private int priority;
    private Integer progress;
    private Map<String, String> parameters = new LinkedHashMap<>();
    private List<String> messages = new ArrayList<>();
    private Instant enqueueDate;
    private Instant attributionDate;
    private Instant beganRunningDate;
    private Instant endDate;
    private Instant runAfter;

    /** @return the id given at enqueue time, unique in the cluster */
    public long getId() {
        return id;
    }

    public void setId(long id) {
        this.id = id;
    }

    /** @return the id of the parent instance, or {@code null} */
    public Long getParent() {
        return parent;
    }

    public void setParent(Long parent) {
        this.parent = parent;
    }

    /** @return the name of the job definition */
    public String getApplicationName() {
        return applicationName;
    }

    public void setApplicationName(String applicationName) {
        this.applicationName = applicationName;
    }

    /** @return the queue the instance waits or waited in */
    public String getQueueName() {
        return queueName;
    }

    public void setQueueName(String queueName) {
        this.queueName = queueName;
    }

    /** @return the node that runs or ran the instance, or {@code null} while it waits */
    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    /** @return the state at the time of the snapshot */
    public State getState() {
        return state;
    }

    public void setState(State state) {
        this.state = state;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getSessionID() {
        return sessionID;
    }

    public void setSessionID(String sessionID) {
        this.sessionID = sessionID;
    }

    public String getApplication() {
        return application;
    }

    public void setApplication(String application) {
        this.application = application;
    }

    public String getModule() {
        return module;
    }

    public void setModule(String module) {
        this.module = module;
    }

    public String getKeyword1() {
        return keyword1;
    }

    public void setKeyword1(String keyword1) {
        this.keyword1 = keyword1;
    }

    public String getKeyword2() {
        return keyword2;
    }

    public void setKeyword2(String keyword2) {
        this.keyword2 = keyword2;
    }

    public String getKeyword3() {
        return keyword3;
    }

    public void setKeyword3(String keyword3) {
        this.keyword3 = keyword3;
    }

    public String getEmail() {
        return email;
    }

    public void setEmail(String email) {
        this.email = email;
    }

    /** @return the priority, 0 (default) or 1 to 10 */
    public int getPriority() {
        return priority;
    }

    public void setPriority(int priority) {
        this.priority = priority;
    }

    /** @return the last progress the payload reported, or {@code null} if none */
    public Integer getProgress() {
        return progress;
    }

    public void setProgress(Integer progress) {
        this.progress = progress;
    }

    /** @return the effective parameters of the run */
    public Map<String, String> getParameters() {
        return parameters;
    }

    public void setParameters(Map<String, String> parameters) {
        this.parameters = parameters;
    }

    /** @return the messages of the instance in the order they were sent, the reason of a crash included */
    public List<String> getMessages() {
        return messages;
    }

    public void setMessages(List<String> messages) {
        this.messages = messages;
    }

    public Instant getEnqueueDate() {
        return enqueueDate;
    }

    public void setEnqueueDate(Instant enqueueDate) {
        this.enqueueDate = enqueueDate;
    }

    /** @return when a node claimed the instance, or {@code null} */
    public Instant getAttributionDate() {
        return attributionDate;
    }

    public void setAttributionDate(Instant attributionDate) {
        this.attributionDate = attributionDate;
    }

    /** @return when the payload started, or {@code null} */
    public Instant getBeganRunningDate() {
        return beganRunningDate;
    }

    public void setBeganRunningDate(Instant beganRunningDate) {
        this.beganRunningDate = beganRunningDate;
    }

    /** @return when the instance ended, or {@code null} while it waits or runs */
    public Instant getEndDate() {
        return endDate;
    }

    public void setEndDate(Instant endDate) {
        this.endDate = endDate;
    }

    /** @return the moment before which it was not to start, or {@code null} */
    public Instant getRunAfter() {
        return runAfter;
    }

    public void setRunAfter(Instant runAfter) {
        this.runAfter = runAfter;
    }

    @Override
    public String toString() {
        return "JobInstance[" + id + ", " + applicationName + ", " + state + "]";
    }
}
