package jqm.engine.store;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jqm.api.client.JobDef;
import jqm.api.client.JobInstance;
import jqm.engine.model.History;
import jqm.engine.model.InstanceData;
import jqm.engine.model.JobDefinition;

/** Turns entities into the API's snapshots. */
final class Dtos {
    private Dtos() {
    }

    static JobInstance instance(InstanceData d, Map<Long, Map<String, String>> params,
            Map<Long, List<String>> messages) {
        JobInstance j = new JobInstance();
        j.setId(d.getId());
        j.setParent(d.getParentId());
        j.setApplicationName(d.getJobName());
        j.setQueueName(d.getQueueName());
        j.setNodeName(d.getNodeName());
        j.setState(d.getState());
        j.setUser(d.getUsername());
        j.setSessionID(d.getSessionId());
        j.setApplication(d.getApplication());
        j.setModule(d.getModule());
        j.setKeyword1(d.getKeyword1());
        j.setKeyword2(d.getKeyword2());
        j.setKeyword3(d.getKeyword3());
        j.setEmail(d.getEmail());
        j.setPriority(d.getPriority());
        j.setProgress(d.getProgress());
        j.setParameters(new LinkedHashMap<>(params.getOrDefault(d.getId(), Map.of())));
        j.setMessages(new ArrayList<>(messages.getOrDefault(d.getId(), List.of())));
        j.setEnqueueDate(instant(d.getEnqueueDate()));
        j.setAttributionDate(instant(d.getAttributionDate()));
        j.setBeganRunningDate(instant(d.getStartDate()));
        j.setRunAfter(instant(d.getRunAfter()));
        if (d instanceof History h) {
            j.setEndDate(instant(h.getEndDate()));
        }
        return j;
    }

    static java.time.Instant instant(Date d) {
        return d == null ? null : d.toInstant();
    }

    static jqm.api.client.Deliverable deliverable(jqm.engine.model.DeliverableFile f) {
        jqm.api.client.Deliverable d = new jqm.api.client.Deliverable();
        d.setId(f.getId());
        d.setJobId(f.getInstanceId());
        d.setFileFamily(f.getFileFamily());
        d.setOriginalFileName(f.getOriginalName());
        d.setSize(f.getSize());
        d.setCreatedAt(instant(f.getCreatedAt()));
        return d;
    }

    static JobDef jobDef(JobDefinition d) {
        JobDef j = new JobDef();
        j.setId(d.getId());
        j.setApplicationName(d.getName());
        j.setDescription(d.getDescription());
        j.setQueueName(d.getDefaultQueue());
        j.setKind(d.getKind().name());
        j.setHighlander(d.isHighlander());
        j.setMaxRunTimeSeconds(d.getMaxRunTimeSeconds());
        j.setDeclaredBy(d.getDeclaredBy());
        j.setApplication(d.getApplication());
        j.setModule(d.getModule());
        j.setKeyword1(d.getKeyword1());
        j.setKeyword2(d.getKeyword2());
        j.setKeyword3(d.getKeyword3());
        return j;
    }
}
