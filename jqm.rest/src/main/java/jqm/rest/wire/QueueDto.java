package jqm.rest.wire;

import jqm.api.client.Queue;

/** A queue, as JQM's {@code Queue}. */
public record QueueDto(long id, String name, String description) {
    public static QueueDto of(Queue q) {
        return new QueueDto(q.getId(), q.getName(), q.getDescription());
    }
}
