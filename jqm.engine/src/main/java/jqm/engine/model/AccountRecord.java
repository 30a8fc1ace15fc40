package jqm.engine.model;

import java.util.Date;

import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.Id;
import javax.persistence.Table;
import javax.persistence.Temporal;
import javax.persistence.TemporalType;

/** An account: its name, the slow salted hash of its password (never the password), roles and state. */
@Entity
@Table(name = "JQM_ACCOUNT")
public class AccountRecord {
    @Id
    @Column(name = "NAME", length = 100)
    private String name;

    /** {@code pbkdf2-sha256$ITERATIONS$SALT$HASH}, salt and hash in base64. */
    @Column(name = "PASSWORD_HASH", nullable = false, length = 200)
    private String passwordHash;

    /** Role names, comma separated. */
    @Column(name = "ROLES", nullable = false, length = 200)
    private String roles;

    @Column(name = "ENABLED", nullable = false)
    private boolean enabled;

    @Temporal(TemporalType.TIMESTAMP)
    @Column(name = "EXPIRES")
    private Date expires;

    @Temporal(TemporalType.TIMESTAMP)
    @Column(name = "CREATED_AT", nullable = false)
    private Date createdAt;

    public static AccountRecord of(String name, String passwordHash, String roles) {
        AccountRecord a = new AccountRecord();
        a.name = name;
        a.passwordHash = passwordHash;
        a.roles = roles;
        a.enabled = true;
        a.createdAt = new Date();
        return a;
    }

    public String getName() {
        return name;
    }

    public String getPasswordHash() {
        return passwordHash;
    }

    public void setPasswordHash(String passwordHash) {
        this.passwordHash = passwordHash;
    }

    public String getRoles() {
        return roles;
    }

    public void setRoles(String roles) {
        this.roles = roles;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Date getExpires() {
        return expires;
    }

    public void setExpires(Date expires) {
        this.expires = expires;
    }
}
