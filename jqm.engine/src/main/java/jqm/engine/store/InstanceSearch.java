package jqm.engine.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import javax.persistence.EntityManager;
import javax.persistence.TypedQuery;

import jqm.api.client.JqmInvalidRequestException;
import jqm.api.client.Query;
import jqm.engine.model.History;
import jqm.engine.model.InstanceData;

/**
 * A {@link Query} as JPQL over one of the two instance tables (waiting and running, or history):
 * the same filters on both, so that a page can be cut from the merged results.
 */
final class InstanceSearch {
    private final Query query;
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final boolean historyOnly;

    InstanceSearch(Query q) {
        if (q.getPageSize() < 1 || q.getPageSize() > 1000) {
            throw new JqmInvalidRequestException("The page size must be between 1 and 1000, not " + q.getPageSize());
        }
        if (q.getFirstRow() < 0) {
            throw new JqmInvalidRequestException("The first row cannot be negative");
        }
        this.query = q;
        equal("id", q.getJobInstanceId());
        equal("parentId", q.getParentId());
        equal("jobName", q.getApplicationName());
        equal("username", q.getUser());
        equal("sessionId", q.getSessionId());
        equal("queueName", q.getQueueName());
        equal("nodeName", q.getNodeName());
        equal("application", q.getApplication());
        equal("module", q.getModule());
        equal("keyword1", q.getKeyword1());
        equal("keyword2", q.getKeyword2());
        equal("keyword3", q.getKeyword3());
        if (!q.getStates().isEmpty()) {
            conditions.add("x.state IN :states");
            parameters.put("states", q.getStates());
        }
        range("enqueueDate", q.getEnqueuedAfter(), q.getEnqueuedBefore());
        range("startDate", q.getBeganRunningAfter(), q.getBeganRunningBefore());
        historyOnly = q.getEndedAfter() != null || q.getEndedBefore() != null;
    }

    private void equal(String field, Object value) {
        if (value != null) {
            String p = "p" + parameters.size();
            conditions.add("x." + field + " = :" + p);
            parameters.put(p, value);
        }
    }

    private void range(String field, Instant after, Instant before) {
        if (after != null) {
            String p = "p" + parameters.size();
            conditions.add("x." + field + " >= :" + p);
            parameters.put(p, Date.from(after));
        }
        if (before != null) {
            String p = "p" + parameters.size();
            conditions.add("x." + field + " < :" + p);
            parameters.put(p, Date.from(before));
        }
    }

    /** @return whether waiting or running instances can match (not when an end date is asked, or only final states) */
    boolean canMatchLive() {
        return !historyOnly && (query.getStates().isEmpty() || query.getStates().stream().anyMatch(s -> !s.isFinal()));
    }

    private String where(String entity) {
        List<String> all = new ArrayList<>(conditions);
        if (entity.equals("History")) {
            Instant after = query.getEndedAfter();
            Instant before = query.getEndedBefore();
            if (after != null) {
                all.add("x.endDate >= :endedAfter");
            }
            if (before != null) {
                all.add("x.endDate < :endedBefore");
            }
        }
        return all.isEmpty() ? "" : " WHERE " + String.join(" AND ", all);
    }

    private void bind(javax.persistence.Query q, String entity) {
        parameters.forEach(q::setParameter);
        if (entity.equals("History")) {
            if (query.getEndedAfter() != null) {
                q.setParameter("endedAfter", Date.from(query.getEndedAfter()));
            }
            if (query.getEndedBefore() != null) {
                q.setParameter("endedBefore", Date.from(query.getEndedBefore()));
            }
        }
    }

    long count(EntityManager em, String entity) {
        javax.persistence.Query q = em.createQuery("SELECT COUNT(x) FROM " + entity + " x" + where(entity));
        bind(q, entity);
        return ((Number) q.getSingleResult()).longValue();
    }

    /** @return the first {@code max} rows of one table, in the query's order */
    <T extends InstanceData> List<T> rows(EntityManager em, String entity, Class<T> type, int max) {
        String dir = query.isDescending() ? " DESC" : " ASC";
        String field = field(query.getSort(), entity);
        String order = field == null ? " ORDER BY x.id" + dir : " ORDER BY x." + field + dir + ", x.id" + dir;
        TypedQuery<T> q = em.createQuery("SELECT x FROM " + entity + " x" + where(entity) + order, type);
        bind(q, entity);
        return q.setMaxResults(max).getResultList();
    }

    private static String field(Query.Sort sort, String entity) {
        return switch (sort) {
        case ID -> null;
        case APPLICATIONNAME -> "jobName";
        case QUEUENAME -> "queueName";
        case NODENAME -> "nodeName";
        case USERNAME -> "username";
        case STATE -> "state";
        case ENQUEUEDATE -> "enqueueDate";
        case BEGINDATE -> "startDate";
        case ENDDATE -> entity.equals("History") ? "endDate" : null;
        };
    }

    /** @return the order of merged rows from both tables; nulls (no end date yet...) last */
    Comparator<InstanceData> order() {
        Comparator<InstanceData> byId = Comparator.comparingLong(InstanceData::getId);
        Function<InstanceData, Comparable<?>> key = switch (query.getSort()) {
        case ID -> null;
        case APPLICATIONNAME -> InstanceData::getJobName;
        case QUEUENAME -> InstanceData::getQueueName;
        case NODENAME -> InstanceData::getNodeName;
        case USERNAME -> InstanceData::getUsername;
        case STATE -> d -> d.getState() == null ? null : d.getState().name();
        case ENQUEUEDATE -> InstanceData::getEnqueueDate;
        case BEGINDATE -> InstanceData::getStartDate;
        case ENDDATE -> d -> d instanceof History h ? h.getEndDate() : null;
        };
        Comparator<InstanceData> c;
        if (key == null) {
            c = byId;
        } else {
            @SuppressWarnings({ "unchecked", "rawtypes" })
            Comparator<InstanceData> byKey = Comparator.comparing((Function) key,
                    Comparator.nullsLast(Comparator.naturalOrder()));
            c = byKey.thenComparing(byId);
        }
        return query.isDescending() ? c.reversed() : c;
    }
}
