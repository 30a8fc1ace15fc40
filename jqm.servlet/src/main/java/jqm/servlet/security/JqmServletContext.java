package jqm.servlet.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jqm.api.security.Account;
import jqm.api.security.Accounts;
import jqm.api.security.Role;

/**
 * The servlet context every JQM servlet selects ({@value #NAME}): authentication of each request,
 * slowing down of repeated failures, and the access log. Authentication is on unless the
 * configuration turns it off, which is refused unless HTTP listens on loopback only.
 */
@Component(service = ServletContextHelper.class, configurationPid = JqmServletContext.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@HttpWhiteboardContext(name = JqmServletContext.NAME, path = "/")
@Designate(ocd = JqmServletContext.Config.class)
public class JqmServletContext extends ServletContextHelper {
    public static final String NAME = "jqm";
    public static final String PID = "jqm.http";
    /** The filter a JQM servlet uses to select this context. */
    public static final String SELECT = "(osgi.http.whiteboard.context.name=" + NAME + ")";
    /** Request attribute: the authenticated {@link Account}. */
    public static final String ACCOUNT = Accounts.REQUEST_ATTRIBUTE;

    private static final Logger LOG = LoggerFactory.getLogger(JqmServletContext.class);
    private static final String STARTED = "jqm.started";
    private static final int FREE_FAILURES = 5;

    @ObjectClassDefinition(name = "JQM HTTP", description = "Authentication and access log of JQM's HTTP interfaces")
    public @interface Config {
        @AttributeDefinition(name = "Authentication", description = "false turns authentication off: every caller is an administrator. Refused unless HTTP listens on 127.0.0.1 only")
        boolean authentication() default true;

        @AttributeDefinition(name = "Access log", description = "The file of the access log, relative to the node root")
        String access_log() default "logs/access.log";

        @AttributeDefinition(name = "Engine log", description = "The engine's log file, served to administrators by /ws/simple/enginelog; relative to the node root")
        String engine_log() default "logs/engine.log";
    }

    private final Accounts accounts;
    private final boolean authentication;
    private final AccessLog accessLog;
    /** Failed logins by client address: count, and the time of the last one. */
    private final Map<String, long[]> failures = new ConcurrentHashMap<>();

    private volatile boolean refusalLogged;

    @Activate
    public JqmServletContext(Config config, @Reference Accounts accounts) {
        this.accounts = accounts;
        this.authentication = config.authentication();
        if (!authentication) {
            LOG.warn("AUTHENTICATION IS OFF (jqm.http authentication=false): every caller reaching HTTP through the loopback "
                    + "interface is an administrator; calls through any other interface still need credentials");
        }
        this.accessLog = new AccessLog(java.nio.file.Paths.get(config.access_log()).toAbsolutePath());
    }

    private static boolean loopback(String address) {
        try {
            return address != null && java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    @Deactivate
    void deactivate() {
        accessLog.close();
    }

    @Override
    public boolean handleSecurity(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        req.setAttribute(STARTED, System.nanoTime());
        if (!authentication) {
            if (loopback(req.getLocalAddr())) {
                req.setAttribute(ACCOUNT, new Account("anonymous", Set.of(Role.ADMINISTRATOR), true, null));
                return true;
            }
            if (!refusalLogged) {
                refusalLogged = true;
                LOG.error("HTTP answers on {}, not only on loopback: authentication is kept ON for calls through it "
                        + "(jqm.http authentication=false applies to loopback only)", req.getLocalAddr());
            }
        }
        Optional<Account> byCertificate = certificateAccount(req);
        if (byCertificate.isPresent()) {
            return accept(req, byCertificate.get(), HttpServletRequest.CLIENT_CERT_AUTH);
        }
        String header = req.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return challenge(req, resp, "Authentication required");
        }
        String address = req.getRemoteAddr();
        long[] f = failures.get(address);
        if (f != null && f[0] >= FREE_FAILURES) {
            long waitMs = Math.min(300_000L, 1000L << Math.min(f[0] - FREE_FAILURES, 8));
            long left = f[1] + waitMs - System.currentTimeMillis();
            if (left > 0) {
                resp.setHeader("Retry-After", Long.toString(left / 1000 + 1));
                return refuse(req, resp, 429, "Too many failed logins from this address; retry in " + (left / 1000 + 1) + " s");
            }
        }
        String user;
        char[] password;
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return challenge(req, resp, "Malformed basic authentication");
            }
            user = decoded.substring(0, colon);
            password = decoded.substring(colon + 1).toCharArray();
        } catch (IllegalArgumentException e) {
            return challenge(req, resp, "Malformed basic authentication");
        }
        Optional<Account> account = accounts.authenticate(user, password);
        java.util.Arrays.fill(password, '\0');
        if (account.isEmpty()) {
            failures.compute(address, (k, v) -> v == null ? new long[] { 1, System.currentTimeMillis() }
                    : new long[] { v[0] + 1, System.currentTimeMillis() });
            LOG.warn("Failed login for account '{}' from {}", printable(user), address);
            return challenge(req, resp, "Wrong account name or password, or account disabled");
        }
        failures.remove(address);
        return accept(req, account.get(), HttpServletRequest.BASIC_AUTH);
    }

    private boolean accept(HttpServletRequest req, Account account, String how) {
        req.setAttribute(ACCOUNT, account);
        req.setAttribute(REMOTE_USER, account.name());
        req.setAttribute(AUTHENTICATION_TYPE, how);
        return true;
    }

    /** @return the usable account named by the subject CN of a client certificate the TLS layer verified */
    private Optional<Account> certificateAccount(HttpServletRequest req) {
        Object chain = req.getAttribute("jakarta.servlet.request.X509Certificate");
        if (!(chain instanceof X509Certificate[] certs) || certs.length == 0) {
            return Optional.empty();
        }
        try {
            for (Rdn rdn : new LdapName(certs[0].getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    Optional<Account> a = accounts.find(rdn.getValue().toString()).filter(Account::usable);
                    if (a.isEmpty()) {
                        LOG.warn("Client certificate of '{}' from {} names no usable account", printable(rdn.getValue().toString()),
                                req.getRemoteAddr());
                    }
                    return a;
                }
            }
        } catch (InvalidNameException e) {
            LOG.warn("Unreadable client certificate subject from {}", req.getRemoteAddr());
        }
        return Optional.empty();
    }

    private boolean challenge(HttpServletRequest req, HttpServletResponse resp, String why) throws IOException {
        resp.setHeader("WWW-Authenticate", "Basic realm=\"JQM\", charset=\"UTF-8\"");
        return refuse(req, resp, HttpServletResponse.SC_UNAUTHORIZED, why);
    }

    private boolean refuse(HttpServletRequest req, HttpServletResponse resp, int status, String why) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().write(why + "\n");
        resp.flushBuffer();
        accessLog.write(req, "-", status);
        return false;
    }

    @Override
    public void finishSecurity(HttpServletRequest req, HttpServletResponse resp) {
        Object a = req.getAttribute(ACCOUNT);
        accessLog.write(req, a instanceof Account acc ? acc.name() : "-", resp.getStatus());
    }

    private static String printable(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** @return nanoseconds since the request reached this context, or -1 */
    static long elapsedMs(HttpServletRequest req) {
        return req.getAttribute(STARTED) instanceof Long start ? (System.nanoTime() - start) / 1_000_000 : -1;
    }
}
