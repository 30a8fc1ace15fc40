package jqm.engine.model;

import java.util.Date;

import javax.persistence.Column;
import javax.persistence.EnumType;
import javax.persistence.Enumerated;
import javax.persistence.MappedSuperclass;
import javax.persistence.Temporal;
import javax.persistence.TemporalType;

import jqm.api.client.State;

/** What a job instance and its history share. */
@MappedSuperclass
public abstract class InstanceData {
    @Column(name = "JOB_NAME", nullable = false, length = 100)
    private String jobName;

    @Column(name = "QUEUE_NAME", nullable = false, length = 100)
    private String queueName;

    @Column(name = "NODE_NAME", length = 100)
    private String nodeName;

    @Enumerated(EnumType.STRING)
    @Column(name = "STATE", nullable = false, length = 20)
    private State state;

    @Column(name = "PRIORITY", nullable = false)
    private int priority;

    @Column(name = "USERNAME", length = 100)
    private String username;

    @Column(name = "SESSION_ID", length = 100)
    private String sessionId;

    @Column(name = "APPLICATION", length = 100)
    private String application;

    @Column(name = "MODULE", length = 100)
    private String module;

    @Column(name = "KEYWORD1", length = 100)
    private String keyword1;

    @Column(name = "KEYWORD2", length = 100)
    private String keyword2;

    @Column(name = "KEYWORD3", length = 100)
    private String keyword3;

    @Column(name = "EMAIL", length = 200)
    private String email;

    @Column(name = "PARENT_ID")
    private Long parentId;

    @Column(name = "PROGRESS")
    private Integer progress;

    @Temporal(TemporalType.TIMESTAMP)
    @Column(name = "ENQUEUE_DATE", nullable = false)
    private Date enqueueDate;

    @Temporal(TemporalType.TIMESTAMP)
    @Column(name = "ATTRIBUTION_DATE")
    private Date attributionDate;

    @Temporal(TemporalType.TIMESTAMP)
    @Column(name = "START_DATE")
    private Date startDate;

    /** Not to start before; null: as soon as possible. */
    @Temporal(TemporalType.TIMESTAMP)
    @Column(name = "RUN_AFTER")
    private Date runAfter;

    /** Copies every shared field from another instance record. */
    protected void copyFrom(InstanceData o) {
        jobName = o.jobName;
        queueName = o.queueName;
        nodeName = o.nodeName;
        state = o.state;
        priority = o.priority;
        username = o.username;
        sessionId = o.sessionId;
        application = o.application;
        module = o.module;
        keyword1 = o.keyword1;
        keyword2 = o.keyword2;
        keyword3 = o.keyword3;
        email = o.email;
        parentId = o.parentId;
        progress = o.progress;
        enqueueDate = o.enqueueDate;
        attributionDate = o.attributionDate;
        startDate = o.startDate;
        runAfter = o.runAfter;
    }

    public abstract long getId();

    public String getJobName() {
        return jobName;
    }

    public void setJobName(String jobName) {
        this.jobName = jobName;
    }

    public String getQueueName() {
        return queueName;
    }

    public void setQueueName(String queueName) {
        this.queueName = queueName;
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public State getState() {
        return state;
    }

    public void setState(State state) {
        this.state = state;
    }

    public int getPriority() {
        return priority;
    }

    public void setPriority(int priority) {
        this.priority = priority;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getSessionId() {
        return sessionId;
    }

    public void setSessionId(String sessionId) {
        this.sessionId = sessionId;
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

    public Long getParentId() {
        return parentId;
    }

    public void setParentId(Long parentId) {
        this.parentId = parentId;
    }

    public Integer getProgress() {
        return progress;
    }

    public void setProgress(Integer progress) {
        this.progress = progress;
    }

    public Date getEnqueueDate() {
        return enqueueDate;
    }

    public void setEnqueueDate(Date enqueueDate) {
        this.enqueueDate = enqueueDate;
    }

    public Date getAttributionDate() {
        return attributionDate;
    }

    public void setAttributionDate(Date attributionDate) {
        this.attributionDate = attributionDate;
    }

    public Date getRunAfter() {
        return runAfter;
    }

    public void setRunAfter(Date runAfter) {
        this.runAfter = runAfter;
    }

    public Date getStartDate() {
        return startDate;
    }

    public void setStartDate(Date startDate) {
        this.startDate = startDate;
    }
}
