package jqm.engine.model;

import javax.persistence.Entity;
import javax.persistence.GeneratedValue;
import javax.persistence.GenerationType;
import javax.persistence.Id;
import javax.persistence.SequenceGenerator;
import javax.persistence.Table;

/**
 * A job instance that waits or runs. It leaves this table for {@link History} when it ends, so
 * that the table pollers claim from stays small however long history grows.
 */
@Entity
@Table(name = "JQM_INSTANCE")
@SequenceGenerator(name = "instance_seq", sequenceName = "JQM_INSTANCE_SEQ", allocationSize = 20)
public class Instance extends InstanceData {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "instance_seq")
    private long id;

    @Override
    public long getId() {
        return id;
    }
}
