package jqm.rest.wire;

import java.util.Date;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonAlias;

import jqm.api.client.JobInstance;
import jqm.api.client.JqmInvalidRequestException;
import jqm.api.client.Query;
import jqm.api.client.State;

/**
 * {@code POST /ji/query}: a search, as JQM's {@code Query}; answered with the same document, its
 * {@code results} (one page) and {@code resultSize} (the total count) filled in. As in JQM, only
 * ended instances are searched unless {@code queryLiveInstances} is true.
 */
public record QueryDto(Long jobInstanceId, Long parentId, List<String> applicationName, String user, String sessionId,
        String jobDefKeyword1, String jobDefKeyword2, String jobDefKeyword3, String jobDefModule, String jobDefApplication,
        String instanceKeyword1, String instanceKeyword2, String instanceKeyword3, String instanceModule,
        String instanceApplication, String queueName, String nodeName, Long queueId, Date enqueuedBefore, Date enqueuedAfter,
        Date beganRunningBefore, Date beganRunningAfter, Date endedBefore, Date endedAfter,
        @JsonAlias("statuses") List<State> status, Integer firstRow, Integer pageSize, List<SortSpec> sorts,
        Boolean queryLiveInstances, Boolean queryHistoryInstances, Long resultSize, List<JobInstanceDto> results) {

    /** One ordering, as JQM's {@code SortSpec}: {@code col} is one of JQM's sort columns. */
    public record SortSpec(String col, String order) {
    }

    /** @return the query for the client service; what it cannot filter on is refused with the reason */
    public Query toQuery() {
        for (String unsupported : new String[] { jobDefKeyword1, jobDefKeyword2, jobDefKeyword3, jobDefModule,
                jobDefApplication }) {
            if (unsupported != null) {
                throw new JqmInvalidRequestException("Filtering on the job definition's keywords, module or application is not "
                        + "supported; filter on the instance's (instanceKeyword1..3, instanceModule, instanceApplication)");
            }
        }
        if (queueId != null) {
            throw new JqmInvalidRequestException("Filter on 'queueName' rather than 'queueId'");
        }
        if (applicationName != null && applicationName.size() > 1) {
            throw new JqmInvalidRequestException("At most one applicationName can be given, not " + applicationName.size());
        }
        Query q = new Query().setJobInstanceId(jobInstanceId).setParentId(parentId)
                .setApplicationName(applicationName == null || applicationName.isEmpty() ? null : applicationName.get(0))
                .setUser(user).setSessionId(sessionId).setKeyword1(instanceKeyword1).setKeyword2(instanceKeyword2)
                .setKeyword3(instanceKeyword3).setModule(instanceModule).setApplication(instanceApplication)
                .setQueueName(queueName).setNodeName(nodeName).setEnqueuedBefore(instant(enqueuedBefore))
                .setEnqueuedAfter(instant(enqueuedAfter)).setBeganRunningBefore(instant(beganRunningBefore))
                .setBeganRunningAfter(instant(beganRunningAfter)).setEndedBefore(instant(endedBefore))
                .setEndedAfter(instant(endedAfter)).setQueryLiveInstances(Boolean.TRUE.equals(queryLiveInstances))
                .setQueryHistoryInstances(queryHistoryInstances == null || queryHistoryInstances)
                .setFirstRow(firstRow == null ? 0 : firstRow).setPageSize(pageSize == null ? 50 : pageSize);
        if (status != null) {
            status.forEach(q::addState);
        }
        if (sorts != null && !sorts.isEmpty()) {
            if (sorts.size() > 1) {
                throw new JqmInvalidRequestException("At most one sort can be given, not " + sorts.size());
            }
            SortSpec s = sorts.get(0);
            q.setSort(sort(s.col()), !"ASCENDING".equalsIgnoreCase(s.order() == null ? "ASCENDING" : s.order()));
        }
        return q;
    }

    /** @return this query answered: the page of results and the total count */
    public QueryDto answered(Query done, Function<JobInstance, JobInstanceDto> convert) {
        return new QueryDto(jobInstanceId, parentId, applicationName, user, sessionId, jobDefKeyword1, jobDefKeyword2,
                jobDefKeyword3, jobDefModule, jobDefApplication, instanceKeyword1, instanceKeyword2, instanceKeyword3,
                instanceModule, instanceApplication, queueName, nodeName, queueId, enqueuedBefore, enqueuedAfter,
                beganRunningBefore, beganRunningAfter, endedBefore, endedAfter, status, done.getFirstRow(), done.getPageSize(),
                sorts, done.isQueryLiveInstances(), done.isQueryHistoryInstances(), done.getResultSize(),
                done.getInstances().stream().map(convert).toList());
    }

    /** @return the query of a user's instances, waiting, running and ended, newest first */
    public static Query ofUser(String user) {
        return new Query().setUser(user).setPageSize(1000);
    }

    private static Query.Sort sort(String col) {
        if (col == null) {
            throw new JqmInvalidRequestException("A sort needs a 'col'");
        }
        return switch (col.toUpperCase(java.util.Locale.ROOT)) {
        case "ID" -> Query.Sort.ID;
        case "APPLICATIONNAME" -> Query.Sort.APPLICATIONNAME;
        case "QUEUENAME" -> Query.Sort.QUEUENAME;
        case "STATUS", "STATE" -> Query.Sort.STATE;
        case "DATEENQUEUE" -> Query.Sort.ENQUEUEDATE;
        case "DATEEXECUTION" -> Query.Sort.BEGINDATE;
        case "DATEEND" -> Query.Sort.ENDDATE;
        case "USERNAME" -> Query.Sort.USERNAME;
        case "NODENAME" -> Query.Sort.NODENAME;
        default -> throw new JqmInvalidRequestException("Cannot sort by '" + col
                + "'; the columns are ID, APPLICATIONNAME, QUEUENAME, STATUS, DATEENQUEUE, DATEEXECUTION, DATEEND, USERNAME, NODENAME");
        };
    }

    private static java.time.Instant instant(Date d) {
        return d == null ? null : d.toInstant();
    }
}
