package jqm.engine.monitor;

import java.lang.management.ManagementFactory;

import javax.management.JMException;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers and unregisters the engine's MBeans on the platform MBeanServer; a failure is logged, never thrown. */
public final class Beans {
    private static final Logger LOG = LoggerFactory.getLogger(Beans.class);

    private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[A-Za-z0-9_.@-]+");
    /** The MBeanInfo of each implementation class and interface, built once: a running instance registers a bean. */
    private static final java.util.Map<String, javax.management.MBeanInfo> INFOS = new java.util.concurrent.ConcurrentHashMap<>();

    private Beans() {
    }

    /** A standard MBean whose description is built once per class, not once per bean (it took a fifth of each instance's run). */
    private static final class Described<T> extends StandardMBean {
        private final String key;

        Described(T impl, Class<T> type) throws javax.management.NotCompliantMBeanException {
            super(impl, type);
            this.key = type.getName() + "/" + impl.getClass().getName();
        }

        @Override
        protected javax.management.MBeanInfo getCachedMBeanInfo() {
            return INFOS.get(key);
        }

        @Override
        protected void cacheMBeanInfo(javax.management.MBeanInfo info) {
            if (info != null) {
                INFOS.putIfAbsent(key, info);
            }
        }
    }

    /** @return a name of the jqm domain with the given key=value pairs, values quoted when needed */
    public static ObjectName name(String... kv) {
        StringBuilder sb = new StringBuilder("jqm:");
        for (int i = 0; i < kv.length; i += 2) {
            String v = kv[i + 1];
            sb.append(i == 0 ? "" : ",").append(kv[i]).append('=').append(PLAIN.matcher(v).matches() ? v : ObjectName.quote(v));
        }
        try {
            return new ObjectName(sb.toString());
        } catch (JMException e) {
            throw new IllegalArgumentException(sb.toString(), e);
        }
    }

    /** Registers an implementation under its MBean interface, replacing a stale one of that name. */
    public static <T> void register(ObjectName name, T impl, Class<T> type) {
        try {
            var server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(new Described<>(impl, type), name);
        } catch (JMException e) {
            LOG.warn("Could not register MBean {}: {}", name, e.toString());
        }
    }

    public static void unregister(ObjectName name) {
        try {
            var server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException e) {
            LOG.warn("Could not unregister MBean {}: {}", name, e.toString());
        }
    }
}
