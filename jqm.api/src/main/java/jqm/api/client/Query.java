package jqm.api.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A search for job instances, waiting, running and ended alike, given to
 * {@link JqmClient#query(Query)}, which answers it filled with one page of results and the total count.
 * Every filter left {@code null} matches everything; text filters match exactly. Field names follow
 * JQM's client API.
 *
 * <pre>
 * Query q = client.query(new Query().setApplicationName("Invoices").addState(State.CRASHED).setPageSize(20));
 * q.getInstances(); // the first 20, newest first
 * q.getResultSize(); // how many match in all
 * </pre>
 */
public class Query {
    /** What results can be ordered by. */
    public enum Sort {
        ID, APPLICATIONNAME, QUEUENAME, NODENAME, USERNAME, STATE, ENQUEUEDATE, BEGINDATE, ENDDATE
    }

    private Long jobInstanceId;
    private Long parentId;
    private String applicationName;
    private String user;
    private String sessionId;
    private String queueName;
    private String nodeName;
    private String application;
    private String module;
    private String keyword1;
    private String keyword2;
    private String keyword3;
    private List<State> states = new ArrayList<>();
    private Instant enqueuedAfter;
    private Instant enqueuedBefore;
    private Instant beganRunningAfter;
    private Instant beganRunningBefore;
    private Instant endedAfter;
    private Instant endedBefore;
    private boolean queryLiveInstances = true;
    private boolean queryHistoryInstances = true;
    private int firstRow = 0;
    private int pageSize = 100;
    private Sort sort = Sort.ID;
    private boolean descending = true;

    private List<JobInstance> instances = new ArrayList<>();
    private long resultSize;

    public Long getJobInstanceId() {
        return jobInstanceId;
    }

    public Query setJobInstanceId(Long jobInstanceId) {
        this.jobInstanceId = jobInstanceId;
        return this;
    }

    public Long getParentId() {
        return parentId;
    }

    public Query setParentId(Long parentId) {
        this.parentId = parentId;
        return this;
    }

    public String getApplicationName() {
        return applicationName;
    }

    public Query setApplicationName(String applicationName) {
        this.applicationName = applicationName;
        return this;
    }

    public String getUser() {
        return user;
    }

    public Query setUser(String user) {
        this.user = user;
        return this;
    }

    public String getSessionId() {
        return sessionId;
    }

    public Query setSessionId(String sessionId) {
        this.sessionId = sessionId;
        return this;
    }

    public String getQueueName() {
        return queueName;
    }

    public Query setQueueName(String queueName) {
        this.queueName = queueName;
        return this;
    }

    public String getNodeName() {
        return nodeName;
    }

    public Query setNodeName(String nodeName) {
        this.nodeName = nodeName;
        return this;
    }

    public String getApplication() {
        return application;
    }

    public Query setApplication(String application) {
        this.application = application;
        return this;
    }

    public String getModule() {
        return module;
    }

    public Query setModule(String module) {
        this.module = module;
        return this;
    }

    public String getKeyword1() {
        return keyword1;
    }

    public Query setKeyword1(String keyword1) {
        this.keyword1 = keyword1;
        return this;
    }

    public String getKeyword2() {
        return keyword2;
    }

    public Query setKeyword2(String keyword2) {
        this.keyword2 = keyword2;
        return this;
    }

    public String getKeyword3() {
        return keyword3;
    }

    public Query setKeyword3(String keyword3) {
        this.keyword3 = keyword3;
        return this;
    }

    /** @return the states to match; empty matches every state */
    public List<State> getStates() {
        return states;
    }

    public Query setStates(List<State> states) {
        this.states = states == null ? new ArrayList<>() : new ArrayList<>(states);
        return this;
    }

    public Query addState(State state) {
        states.add(state);
        return this;
    }

    public Instant getEnqueuedAfter() {
        return enqueuedAfter;
    }

    public Query setEnqueuedAfter(Instant enqueuedAfter) {
        this.enqueuedAfter = enqueuedAfter;
        return this;
    }

    public Instant getEnqueuedBefore() {
        return enqueuedBefore;
    }

    public Query setEnqueuedBefore(Instant enqueuedBefore) {
        this.enqueuedBefore = enqueuedBefore;
        return this;
    }

    public Instant getBeganRunningAfter() {
        return beganRunningAfter;
    }

    public Query setBeganRunningAfter(Instant beganRunningAfter) {
        this.beganRunningAfter = beganRunningAfter;
        return this;
    }

    public Instant getBeganRunningBefore() {
        return beganRunningBefore;
    }

    public Query setBeganRunningBefore(Instant beganRunningBefore) {
        this.beganRunningBefore = beganRunningBefore;
        return this;
    }

    /** An end-date filter matches ended instances only. */
    public Instant getEndedAfter() {
        return endedAfter;
    }

    public Query setEndedAfter(Instant endedAfter) {
        this.endedAfter = endedAfter;
        return this;
    }

    public Instant getEndedBefore() {
        return endedBefore;
    }

    public Query setEndedBefore(Instant endedBefore) {
        this.endedBefore = endedBefore;
        return this;
    }

    /** @return whether waiting and running instances are searched (default true) */
    public boolean isQueryLiveInstances() {
        return queryLiveInstances;
    }

    public Query setQueryLiveInstances(boolean queryLiveInstances) {
        this.queryLiveInstances = queryLiveInstances;
        return this;
    }

    /** @return whether ended instances are searched (default true) */
    public boolean isQueryHistoryInstances() {
        return queryHistoryInstances;
    }

    public Query setQueryHistoryInstances(boolean queryHistoryInstances) {
        this.queryHistoryInstances = queryHistoryInstances;
        return this;
    }

    /** @return the index of the first result to return, from 0 */
    public int getFirstRow() {
        return firstRow;
    }

    public Query setFirstRow(int firstRow) {
        this.firstRow = firstRow;
        return this;
    }

    /** @return the most results to return, from 1 to 1000 (default 100) */
    public int getPageSize() {
        return pageSize;
    }

    public Query setPageSize(int pageSize) {
        this.pageSize = pageSize;
        return this;
    }

    public Sort getSort() {
        return sort;
    }

    public boolean isDescending() {
        return descending;
    }

    /** Orders the results (default: by id, newest first); ties are ordered by id. */
    public Query setSort(Sort sort, boolean descending) {
        this.sort = sort == null ? Sort.ID : sort;
        this.descending = descending;
        return this;
    }

    /** @return the page of results, filled by {@link JqmClient#query(Query)} */
    public List<JobInstance> getInstances() {
        return instances;
    }

    public void setInstances(List<JobInstance> instances) {
        this.instances = instances;
    }

    /** @return how many instances match in all, filled by {@link JqmClient#query(Query)} */
    public long getResultSize() {
        return resultSize;
    }

    public void setResultSize(long resultSize) {
        this.resultSize = resultSize;
    }
}
