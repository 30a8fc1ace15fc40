package jqm.rest.wire;

import java.util.List;
import java.util.Map;

import jqm.api.client.JobDef;

/** A job definition, as JQM's {@code JobDef}. */
public record JobDefDto(long id, String applicationName, String description, boolean canBeRestarted, QueueDto queue,
        String application, String module, String keyword1, String keyword2, String keyword3, boolean highlander,
        Map<String, String> parameters, List<Object> schedules, String kind, Integer maxRunTimeSeconds) {

    public static JobDefDto of(JobDef d, QueueDto queue) {
        return new JobDefDto(d.getId(), d.getApplicationName(), d.getDescription(), true, queue, d.getApplication(),
                d.getModule(), d.getKeyword1(), d.getKeyword2(), d.getKeyword3(), d.isHighlander(), d.getParameters(),
                List.of(), d.getKind(), d.getMaxRunTimeSeconds());
    }
}
