package jqm.engine.model;

import java.util.Date;

import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.Id;
import javax.persistence.Table;
import javax.persistence.Temporal;
import javax.persistence.TemporalType;

/** A file an instance handed over, stored under a node's files root, known by a random id. */
@Entity
@Table(name = "JQM_DELIVERABLE")
public class DeliverableFile {
    /** Random 128 bits as 32 hexadecimal characters: never guessable from another one. */
    @Id
    @Column(name = "ID", length = 32)
    private String id;

    @Column(name = "INSTANCE_ID", nullable = false)
    private long instanceId;

    @Column(name = "FILE_FAMILY", length = 100)
    private String fileFamily;

    @Column(name = "ORIGINAL_NAME", nullable = false, length = 1000)
    private String originalName;

    /** Where it is, relative to the files root of the node that stored it. */
    @Column(name = "RELATIVE_PATH", nullable = false, length = 1000)
    private String relativePath;

    @Column(name = "NODE_NAME", nullable = false, length = 100)
    private String nodeName;

    @Column(name = "FILE_SIZE", nullable = false)
    private long size;

    @Temporal(TemporalType.TIMESTAMP)
    @Column(name = "CREATED_AT", nullable = false)
    private Date createdAt;

    public static DeliverableFile of(String id, long instanceId, String fileFamily, String originalName, String relativePath,
            String nodeName, long size) {
        DeliverableFile d = new DeliverableFile();
        d.id = id;
        d.instanceId = instanceId;
        d.fileFamily = fileFamily;
        d.originalName = originalName;
        d.relativePath = relativePath;
        d.nodeName = nodeName;
        d.size = size;
        d.createdAt = new Date();
        return d;
    }

    public String getId() {
        return id;
    }

    public long getInstanceId() {
        return instanceId;
    }

    public String getFileFamily() {
        return fileFamily;
    }

    public String getOriginalName() {
        return originalName;
    }

    public String getRelativePath() {
        return relativePath;
    }

    public String getNodeName() {
        return nodeName;
    }

    public long getSize() {
        return size;
    }

    public Date getCreatedAt() {
        return createdAt;
    }
}
