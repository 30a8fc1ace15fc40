package jqm.itests;

import java.util.HashMap;
import java.util.Map;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.rmi.ssl.SslRMIClientSocketFactory;

/**
 * A remote JMX client as JConsole is one: its own JVM, TLS trust (and a client certificate) from the
 * {@code javax.net.ssl.*} system properties, the registry reached over TLS, the connector's stub
 * checked to be a TLS one. Run by {@link RemoteJmxIT} as a separate process (it uses nothing but the
 * JDK): {@code JmxClient URL [--plain] COMMAND...}, the account and password in the environment
 * variables JMX_USER and JMX_PASSWORD (none: no credentials). Prints one line per step:
 * {@code connect ok}, then per command {@code ok VALUE}; or {@code refused CLASS: MESSAGE} for a
 * {@link SecurityException}, {@code failed CLASS: MESSAGE <- CAUSE...} for anything else, which ends it.
 *
 * <p>Commands: {@code get NAME ATTRIBUTE}, {@code invoke NAME OPERATION}, {@code count PATTERN}.
 *
 * <p>{@code JmxClient --rebind HOST PORT} is what a hostile process of the node's machine may try
 * instead: replace the registry's {@code jmxrmi} entry (here with a reference to nowhere), so that
 * clients go elsewhere. Prints {@code rebound} or {@code refused/failed ...}.
 */
public final class JmxClient {
    private JmxClient() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("--rebind")) {
            try {
                java.rmi.registry.Registry r = java.rmi.registry.LocateRegistry.getRegistry(args[1], Integer.parseInt(args[2]),
                        new SslRMIClientSocketFactory());
                r.rebind("jmxrmi", java.rmi.registry.LocateRegistry.getRegistry("127.0.0.1", 1));
                System.out.println("rebound");
            } catch (Exception e) {
                System.out.println(outcome(e));
            }
            return;
        }
        JMXServiceURL url = new JMXServiceURL(args[0]);
        int i = 1;
        boolean plain = false;
        if (args.length > i && args[i].equals("--plain")) {
            plain = true;
            i++;
        }
        Map<String, Object> env = new HashMap<>();
        String user = System.getenv("JMX_USER");
        if (user != null) {
            env.put(JMXConnector.CREDENTIALS, new String[] { user, System.getenv("JMX_PASSWORD") });
        }
        if (!plain) {
            // As JConsole does for a registry over TLS.
            env.put("com.sun.jndi.rmi.factory.socket", new SslRMIClientSocketFactory());
            env.put("jmx.remote.x.check.stub", "true");
        }
        JMXConnector c;
        try {
            c = JMXConnectorFactory.connect(url, env);
        } catch (Exception e) {
            System.out.println(outcome(e));
            return;
        }
        System.out.println("connect ok");
        try {
            MBeanServerConnection s = c.getMBeanServerConnection();
            for (; i < args.length; i++) {
                try {
                    Object result = switch (args[i]) {
                    case "get" -> s.getAttribute(new ObjectName(args[++i]), args[++i]);
                    case "invoke" -> s.invoke(new ObjectName(args[++i]), args[++i], null, null);
                    case "count" -> s.queryNames(new ObjectName(args[++i]), null).size();
                    default -> throw new IllegalArgumentException("unknown command " + args[i]);
                    };
                    System.out.println("ok " + result);
                } catch (Exception e) {
                    System.out.println(outcome(e));
                }
            }
        } finally {
            try {
                c.close();
            } catch (Exception e) {
                // closing an already broken connection
            }
        }
    }

    private static String outcome(Throwable e) {
        StringBuilder b = new StringBuilder(e instanceof SecurityException ? "refused " : "failed ");
        b.append(e.getClass().getName()).append(": ").append(e.getMessage());
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            b.append(" <- ").append(t.getClass().getName()).append(": ").append(t.getMessage());
        }
        return b.toString().replace('\n', ' ');
    }
}
