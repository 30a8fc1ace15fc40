package jqm.jmx.access;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every call of a remote JMX connection against the role of its account, between the
 * connector and the MBean server (as the JDK's access file controller does):
 * <ul>
 * <li>{@link JmxRole#READ}: attributes, MBean descriptions, queries, notifications;</li>
 * <li>{@link JmxRole#OPERATE}: also the operations of {@code jqm:type=Node.Queue} and
 * {@code jqm:type=Node.Queue.JobInstance} beans (pause, resume, kill);</li>
 * <li>{@link JmxRole#ADMINISTER}: also every attribute change and operation, on every bean.</li>
 * </ul>
 * Reading the JVM's system properties and command line ({@code java.lang:type=Runtime}
 * {@code SystemProperties}, {@code InputArguments}), where secrets sometimes stand, and queries with
 * an expression (evaluated on attributes out of this check's sight) are for administrators too.
 * Creating, registering and unregistering MBeans is refused to everyone remotely (it would load
 * classes into the node), and so are an MLet's methods that load classes from a URL. A refusal is
 * a {@link SecurityException} for the client and a WARN line naming the account; every change
 * allowed is logged at INFO with the account, as an audit trail.
 */
public final class RoleAccess implements InvocationHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RoleAccess.class);

    private static final Set<String> READS = Set.of("getAttribute", "getAttributes", "getMBeanInfo", "queryNames", "queryMBeans",
            "isRegistered", "getMBeanCount", "getDefaultDomain", "getDomains", "isInstanceOf", "getObjectInstance",
            "addNotificationListener", "removeNotificationListener", "getClassLoader", "getClassLoaderFor",
            "getClassLoaderRepository");
    private static final Set<String> CHANGES = Set.of("setAttribute", "setAttributes", "invoke");
    /** The JQM beans whose operations an operator may run. */
    private static final Set<String> OPERATED = Set.of("Node.Queue", "Node.Queue.JobInstance");
    private static final Set<String> MLET_LOADING = Set.of("getMBeansFromURL", "addURL");
    /** What the JVM's runtime bean tells that may hold secrets ({@code -Dsome.password=...}): administrators only. */
    private static final ObjectName RUNTIME = name("java.lang:type=Runtime");
    private static final Set<String> RUNTIME_SECRETS = Set.of("SystemProperties", "InputArguments");

    private final CurrentRoles roles;
    private volatile MBeanServer next;

    private RoleAccess(CurrentRoles roles) {
        this.roles = roles;
    }

    /** @return a forwarder that checks each call with the current roles of the accounts */
    public static MBeanServerForwarder forwarder(CurrentRoles roles) {
        return (MBeanServerForwarder) Proxy.newProxyInstance(RoleAccess.class.getClassLoader(),
                new Class<?>[] { MBeanServerForwarder.class }, new RoleAccess(roles));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String m = method.getName();
        int n = args == null ? 0 : args.length;
        if (m.equals("getMBeanServer") && n == 0) {
            return next;
        }
        if (m.equals("setMBeanServer") && n == 1) {
            if (args[0] == null) {
                throw new IllegalArgumentException("Null MBeanServer");
            }
            if (next != null) {
                throw new IllegalArgumentException("MBeanServer object already initialized");
            }
            next = (MBeanServer) args[0];
            return null;
        }
        if (method.getDeclaringClass() == Object.class) {
            return switch (m) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "RoleAccess -> " + next;
            };
        }
        Object[] checked = check(m, args);
        try {
            return method.invoke(next, checked);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** @return the arguments to forward the call with, when it is allowed */
    private Object[] check(String method, Object[] args) {
        Optional<String> account = account();
        if (account.isEmpty()) {
            // No subject: a call of the connector itself (it looks up class loaders outside the
            // client's subject). Every client call runs with the subject of its authenticated account.
            if (!READS.contains(method)) {
                throw new SecurityException("Access denied: " + method + " outside an authenticated connection");
            }
            return args;
        }
        String who = account.get();
        Optional<JmxRole> role = roles.of(who);
        if (role.isEmpty()) {
            LOG.warn("Remote JMX: '{}' refused {}: the account is no longer allowed JMX (disabled, expired or its roles changed)", who, method);
            throw new SecurityException("Access denied: the account '" + who + "' may no longer use JMX; reconnect");
        }
        ObjectName target = args != null && args.length > 0 && args[0] instanceof ObjectName o ? o : null;
        if (READS.contains(method)) {
            return role.get() == JmxRole.ADMINISTER ? args : checkRead(who, role.get(), method, target, args);
        }
        String what = method + (target == null ? "" : " on " + target) + detail(method, args);
        if (!CHANGES.contains(method)) {
            LOG.warn("Remote JMX: '{}' refused {}: not allowed remotely", who, what);
            throw new SecurityException("Access denied: " + method + " is not allowed through remote JMX");
        }
        boolean allowed = switch (role.get()) {
        case ADMINISTER -> true;
        case OPERATE -> method.equals("invoke") && target != null && !target.isPattern() && "jqm".equals(target.getDomain())
                && OPERATED.contains(target.getKeyProperty("type"));
        case READ -> false;
        };
        if (allowed && method.equals("invoke") && MLET_LOADING.contains(String.valueOf(args[1])) && isMLet(target)) {
            LOG.warn("Remote JMX: '{}' refused {}: loading classes from a URL", who, what);
            throw new SecurityException("Access denied: an MLet may not load classes through remote JMX");
        }
        if (!allowed) {
            LOG.warn("Remote JMX: '{}' ({}) refused {}", who, role.get(), what);
            throw new SecurityException("Access denied: '" + who + "' (" + role.get() + ") may not " + method
                    + (target == null ? "" : " on " + target));
        }
        LOG.info("Remote JMX: '{}' ({}) {}", who, role.get(), what);
        return args;
    }

    /** The reads reserved to administrators, for the others. */
    private Object[] checkRead(String who, JmxRole role, String method, ObjectName target, Object[] args) {
        if ((method.equals("queryNames") || method.equals("queryMBeans")) && args[1] != null) {
            LOG.warn("Remote JMX: '{}' ({}) refused {} with a query expression", who, role, method);
            throw new SecurityException("Access denied: queries with an expression are for administrators; query by name pattern");
        }
        if (RUNTIME.equals(target)) {
            if (method.equals("getAttribute") && RUNTIME_SECRETS.contains(String.valueOf(args[1]))) {
                LOG.warn("Remote JMX: '{}' ({}) refused reading {} of {}", who, role, args[1], target);
                throw new SecurityException("Access denied: " + args[1] + " of " + target + " is for administrators");
            }
            if (method.equals("getAttributes") && args[1] instanceof String[] names) {
                // Answered without them, as for an attribute that cannot be read.
                Object[] filtered = args.clone();
                filtered[1] = Arrays.stream(names).filter(n -> !RUNTIME_SECRETS.contains(n)).toArray(String[]::new);
                return filtered;
            }
        }
        return args;
    }

    private static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private boolean isMLet(ObjectName target) {
        try {
            return target != null && next.isInstanceOf(target, "javax.management.loading.MLet");
        } catch (Exception e) {
            return false;
        }
    }

    private static String detail(String method, Object[] args) {
        if (method.equals("invoke") && args.length > 1) {
            return " operation " + args[1] + (args.length > 2 && args[2] instanceof Object[] p && p.length > 0 ? " with " + p.length + " parameter(s)" : "");
        }
        if (method.equals("setAttribute") && args.length > 1 && args[1] instanceof javax.management.Attribute a) {
            return " attribute " + a.getName();
        }
        if (method.equals("setAttributes") && args.length > 1 && args[1] instanceof javax.management.AttributeList l) {
            return " attributes " + Arrays.toString(l.asList().stream().map(javax.management.Attribute::getName).toArray());
        }
        return "";
    }

    /** @return the account of the connection making the current call, if the call runs with a subject */
    private static Optional<String> account() {
        Subject s = Subjects.current();
        if (s == null) {
            return Optional.empty();
        }
        Set<AccountPrincipal> p = s.getPrincipals(AccountPrincipal.class);
        if (p.size() != 1) {
            throw new SecurityException("Access denied: the connection has no JQM account");
        }
        return Optional.of(p.iterator().next().getName());
    }
}
