package jqm.engine.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.api.security.Account;
import jqm.api.security.Accounts;
import jqm.api.security.Role;
import jqm.engine.audit.AuditLog;
import jqm.engine.model.AccountRecord;
import jqm.engine.node.LocalNode;
import jqm.engine.store.Store;

/**
 * The {@link Accounts} service over the database. Passwords are hashed with PBKDF2-HMAC-SHA256 (the
 * JDK's), a random salt each and {@value #ITERATIONS} iterations: checking one costs a noticeable
 * fraction of a second, by design. So that an API client sending its credentials with every call
 * does not pay it every time, a successful check is remembered for {@value #REMEMBER_MS} ms as an
 * HMAC of the name and password under a key of this process (never the password itself); any change
 * of the account through this node forgets it. The account itself (roles, enabled, expiry) is read
 * again at most every {@value #ACCOUNT_FRESH_MS} ms, so that a change made through another node of
 * the cluster applies here within that time. On the first start of a cluster, an administrator account is created
 * with a generated password written to a file only the node's account can read.
 */
@Component(service = Accounts.class, immediate = true)
public class AccountService implements Accounts {
    static final int ITERATIONS = 600_000;
    static final long REMEMBER_MS = 60_000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,100}");
    private static final Logger LOG = LoggerFactory.getLogger(AccountService.class);

    private final Store store;
    private final SecureRandom random = new SecureRandom();
    private final byte[] rememberKey = new byte[32];
    /** How long the account of a remembered check is used as read (its roles, enabled, expiry) before it is read again. */
    static final long ACCOUNT_FRESH_MS = 2_000;

    /** A verified name and password: until when it is remembered, and its account as last read, when. */
    private record Remembered(long until, Account account, long readAt) {
    }

    /** HMAC of a verified name and password, to what is remembered of it. */
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    /**
     * A hash to check when the account does not exist, so that the time taken does not tell. Made
     * when first needed, not at activation: hashing costs a few hundred milliseconds of every start.
     */
    private volatile String decoy;

    private final AuditLog audit;

    @Activate
    public AccountService(@Reference Store store, @Reference LocalNode node, @Reference AuditLog audit) {
        this.store = store;
        this.audit = audit;
        random.nextBytes(rememberKey);
        if (store.accounts().isEmpty()) {
            createFirstAdministrator(node.initialPasswordFile());
        }
    }

    private void createFirstAdministrator(Path file) {
        String password = generatePassword();
        if (!store.createAccount(AccountRecord.of("admin", hash(password.toCharArray()), Role.ADMINISTRATOR.name()))) {
            return; // another node of the cluster created it at the same time
        }
        audit.record("account admin created with roles [ADMINISTRATOR] and a generated password, on the first start of the cluster");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            LOG.warn("Created the administrator account 'admin'. Its password is in {} (readable by this account only): "
                    + "note it, then delete the file, or set another with jqm:passwd", file);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.error("Created the administrator account 'admin' but could not write its password to {} ({}); "
                    + "set one from the console with jqm:passwd admin", file, e.getMessage());
        }
    }

    @Override
    public Optional<Account> authenticate(String name, char[] password) {
        if (name == null || password == null) {
            return Optional.empty();
        }
        String key = rememberKey(name, password);
        Remembered known = remembered.get(key);
        long now = System.currentTimeMillis();
        if (known != null && known.until() > now) {
            if (known.readAt() + ACCOUNT_FRESH_MS > now) {
                return Optional.of(known.account()).filter(Account::usable);
            }
            Optional<Account> current = find(name);
            current.ifPresent(a -> remembered.replace(key, known, new Remembered(known.until(), a, now)));
            return current.filter(Account::usable);
        }
        Optional<AccountRecord> record = NAME.matcher(name).matches() ? store.account(name) : Optional.empty();
        boolean right = verify(password, record.map(AccountRecord::getPasswordHash).orElseGet(this::decoy)) && record.isPresent();
        if (!right) {
            return Optional.empty();
        }
        Account a = toAccount(record.get());
        if (!a.usable()) {
            return Optional.empty();
        }
        remembered.put(key, new Remembered(now + REMEMBER_MS, a, now));
        return Optional.of(a);
    }

    private String decoy() {
        String d = decoy;
        if (d == null) {
            synchronized (this) {
                if (decoy == null) {
                    decoy = hash(generatePassword().toCharArray());
                }
                d = decoy;
            }
        }
        return d;
    }

    @Override
    public Optional<Account> find(String name) {
        return name == null || !NAME.matcher(name).matches() ? Optional.empty() : store.account(name).map(AccountService::toAccount);
    }

    @Override
    public List<Account> list() {
        return store.accounts().stream().map(AccountService::toAccount).toList();
    }

    @Override
    public String create(String name, Set<Role> roles, Instant expires) {
        checkName(name);
        checkRoles(roles);
        String password = generatePassword();
        AccountRecord a = AccountRecord.of(name, hash(password.toCharArray()), roleNames(roles));
        a.setExpires(expires == null ? null : Date.from(expires));
        if (!store.createAccount(a)) {
            throw new IllegalArgumentException("An account named '" + name + "' exists already");
        }
        LOG.info("Account {} created with roles {}", name, roles);
        audit.record("account " + name + " created with roles " + roles + (expires == null ? "" : ", expires " + expires)
                + " by " + AuditLog.processUser() + " (console)");
        return password;
    }

    @Override
    public void update(String name, Set<Role> roles, boolean enabled, Instant expires) {
        checkRoles(roles);
        change(name, a -> {
            a.setRoles(roleNames(roles));
            a.setEnabled(enabled);
            a.setExpires(expires == null ? null : Date.from(expires));
        });
        LOG.info("Account {} changed: roles {}, {}, expires {}", name, roles, enabled ? "enabled" : "disabled",
                expires == null ? "never" : expires);
        audit.record("account " + name + " changed: roles " + roles + ", " + (enabled ? "enabled" : "disabled") + ", expires "
                + (expires == null ? "never" : expires) + " by " + AuditLog.processUser() + " (console)");
    }

    @Override
    public String resetPassword(String name) {
        String password = generatePassword();
        setPassword(name, password.toCharArray());
        return password;
    }

    @Override
    public void setPassword(String name, char[] password) {
        if (password == null || password.length < 12) {
            throw new IllegalArgumentException("A password has at least 12 characters");
        }
        String h = hash(password);
        change(name, a -> a.setPasswordHash(h));
        LOG.info("Password of account {} changed", name);
        audit.record("password of account " + name + " changed by " + AuditLog.processUser() + " (console)");
    }

    private void change(String name, java.util.function.Consumer<AccountRecord> change) {
        if (!store.updateAccount(name, change)) {
            throw new IllegalArgumentException("There is no account named '" + name + "'");
        }
        remembered.values().removeIf(e -> e.account().name().equals(name));
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("An account name is 1 to 100 letters, digits, '_', '.', '@' or '-'");
        }
    }

    private static void checkRoles(Set<Role> roles) {
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("An account needs at least one role: " + Arrays.toString(Role.values()));
        }
    }

    private static String roleNames(Set<Role> roles) {
        return roles.stream().map(Role::name).sorted().collect(Collectors.joining(","));
    }

    private static Account toAccount(AccountRecord r) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String s : r.getRoles().split(",")) {
            if (!s.isBlank()) {
                roles.add(Role.valueOf(s.trim()));
            }
        }
        return new Account(r.getName(), Set.copyOf(roles), r.isEnabled(),
                r.getExpires() == null ? null : r.getExpires().toInstant());
    }

    private String generatePassword() {
        byte[] b = new byte[18];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** @return {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} */
    String hash(char[] password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return "pbkdf2-sha256$" + ITERATIONS + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(pbkdf2(password, salt, ITERATIONS));
    }

    static boolean verify(char[] password, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals("pbkdf2-sha256")) {
            return false;
        }
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        byte[] actual = pbkdf2(password, Base64.getDecoder().decode(parts[2]), Integer.parseInt(parts[1]));
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
            try {
                return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JVM", e);
        }
    }

    private String rememberKey(String name, char[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(rememberKey, "HmacSHA256"));
            mac.update(name.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(new String(password).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
