package jqm.api.client;

import java.time.Instant;

/**
 * A file a job instance created and handed to JQM (a report, an export...), kept after the instance
 * ends and fetched by its random id. A snapshot: changing it changes nothing.
 */
public class Deliverable {
    private String id;
    private long jobId;
    private String fileFamily;
    private String originalFileName;
    private long size;
    private Instant createdAt;

    /** @return the deliverable's random 128-bit id (32 hexadecimal characters): the only way to fetch it */
    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    /** @return the id of the instance that created it */
    public long getJobId() {
        return jobId;
    }

    public void setJobId(long jobId) {
        this.jobId = jobId;
    }

    /** @return a free category the payload gave it (e.g. "report"), or {@code null} */
    public String getFileFamily() {
        return fileFamily;
    }

    public void setFileFamily(String fileFamily) {
        this.fileFamily = fileFamily;
    }

    /** @return the name the file had when the payload handed it over */
    public String getOriginalFileName() {
        return originalFileName;
    }

    public void setOriginalFileName(String originalFileName) {
        this.originalFileName = originalFileName;
    }

    /** @return its size in bytes */
    public long getSize() {
        return size;
    }

    public void setSize(long size) {
        this.size = size;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(Instant createdAt) {
        this.createdAt = createdAt;
    }

    @Override
    public String toString() {
        return "Deliverable[" + originalFileName + " of " + jobId + "]";
    }
}
