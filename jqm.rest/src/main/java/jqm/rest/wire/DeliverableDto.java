package jqm.rest.wire;

import java.util.Date;

import jqm.api.client.Deliverable;

/**
 * A file an instance handed over, as JQM's {@code Deliverable}. Its {@code id} is a random 128-bit
 * text (not a sequence number): download it with {@code GET /ji/files/{id}}.
 */
public record DeliverableDto(String id, long jobId, String fileFamily, String originalName, long size, Date createdAt) {
    public static DeliverableDto of(Deliverable d) {
        return new DeliverableDto(d.getId(), d.getJobId(), d.getFileFamily(), d.getOriginalFileName(), d.getSize(),
                JobInstanceDto.date(d.getCreatedAt()));
    }
}
