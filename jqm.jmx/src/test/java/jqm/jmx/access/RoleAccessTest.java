package jqm.jmx.access;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.security.PrivilegedExceptionAction;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;

import org.junit.Before;
import org.junit.Test;

import jqm.api.security.Role;

public class RoleAccessTest {
    public interface ThingMBean {
        int getCount();

        void setCount(int count);

        void poke();
    }

    public static class Thing implements ThingMBean {
        int count;
        int pokes;

        @Override
        public int getCount() {
            return count;
        }

        @Override
        public void setCount(int count) {
            this.count = count;
        }

        @Override
        public void poke() {
            pokes++;
        }
    }

    private final FakeAccounts accounts = new FakeAccounts();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final CurrentRoles roles = new CurrentRoles(accounts.service(), now::get);
    private MBeanServer mbs;
    private MBeanServerForwarder access;
    private final Thing queue = new Thing();
    private final Thing instance = new Thing();
    private final Thing node = new Thing();
    private final Thing other = new Thing();
    private ObjectName queueName;
    private ObjectName instanceName;
    private ObjectName nodeName;
    private ObjectName otherName;

    @Before
    public void beans() throws Exception {
        mbs = MBeanServerFactory.newMBeanServer();
        queueName = new ObjectName("jqm:type=Node.Queue,Node=n,name=DEFAULT");
        instanceName = new ObjectName("jqm:type=Node.Queue.JobInstance,Node=n,Queue=DEFAULT,name=1");
        nodeName = new ObjectName("jqm:type=Node,name=n");
        otherName = new ObjectName("app:type=Other");
        mbs.registerMBean(queue, queueName);
        mbs.registerMBean(instance, instanceName);
        mbs.registerMBean(node, nodeName);
        mbs.registerMBean(other, otherName);
        access = RoleAccess.forwarder(roles);
        access.setMBeanServer(mbs);
        accounts.add("viewer", "p", Role.VIEWER);
        accounts.add("operator", "p", Role.OPERATOR);
        accounts.add("admin", "p", Role.ADMINISTRATOR);
    }

    @SuppressWarnings("removal")
    private <T> T as(String account, PrivilegedExceptionAction<T> action) throws Exception {
        Subject s = new Subject(true, Set.of(new AccountPrincipal(account)), Set.of(), Set.of());
        try {
            return Subject.doAs(s, action);
        } catch (java.security.PrivilegedActionException e) {
            throw e.getException();
        }
    }

    private void refused(String account, PrivilegedExceptionAction<?> action) {
        assertThrows(SecurityException.class, () -> as(account, action));
    }

    @Test
    public void aViewerReadsAndChangesNothing() throws Exception {
        assertEquals(0, as("viewer", () -> access.getAttribute(queueName, "Count")));
        assertEquals(mbs.getMBeanCount(), as("viewer", () -> access.queryNames(null, null).size()));
        assertTrue(as("viewer", () -> access.isRegistered(nodeName)));
        as("viewer", () -> access.getMBeanInfo(otherName));
        refused("viewer", () -> access.invoke(queueName, "poke", null, null));
        refused("viewer", () -> access.invoke(instanceName, "poke", null, null));
        refused("viewer", () -> {
            access.setAttribute(otherName, new Attribute("Count", 5));
            return null;
        });
        assertEquals(0, queue.pokes + instance.pokes + other.count);
    }

    @Test
    public void anOperatorRunsTheOperationsOfQueuesAndInstancesOnly() throws Exception {
        as("operator", () -> access.invoke(queueName, "poke", null, null));
        as("operator", () -> access.invoke(instanceName, "poke", null, null));
        assertEquals(1, queue.pokes);
        assertEquals(1, instance.pokes);
        refused("operator", () -> access.invoke(nodeName, "poke", null, null));
        refused("operator", () -> access.invoke(otherName, "poke", null, null));
        refused("operator", () -> access.invoke(new ObjectName("jqm:type=Node.Queue,*"), "poke", null, null));
        refused("operator", () -> {
            access.setAttribute(queueName, new Attribute("Count", 5));
            return null;
        });
        assertEquals(0, node.pokes + other.pokes + queue.count);
    }

    @Test
    public void anAdministratorChangesAnythingButTheSetOfBeans() throws Exception {
        as("admin", () -> access.invoke(nodeName, "poke", null, null));
        as("admin", () -> {
            access.setAttribute(otherName, new Attribute("Count", 5));
            return null;
        });
        assertEquals(1, node.pokes);
        assertEquals(5, other.count);
        refused("admin", () -> {
            access.unregisterMBean(otherName);
            return null;
        });
        refused("admin", () -> access.createMBean(Thing.class.getName(), new ObjectName("app:type=New")));
        refused("admin", () -> access.registerMBean(new Thing(), new ObjectName("app:type=New")));
        assertTrue(mbs.isRegistered(otherName));
    }

    @Test
    public void theJvmsSystemPropertiesAndCommandLineAreForAdministrators() throws Exception {
        ObjectName runtime = new ObjectName("java.lang:type=Runtime");
        mbs.registerMBean(java.lang.management.ManagementFactory.getRuntimeMXBean(), runtime);
        for (String account : new String[] { "viewer", "operator" }) {
            assertEquals(mbs.getAttribute(runtime, "VmName"), as(account, () -> access.getAttribute(runtime, "VmName")));
            refused(account, () -> access.getAttribute(runtime, "SystemProperties"));
            refused(account, () -> access.getAttribute(runtime, "InputArguments"));
            javax.management.AttributeList some = as(account,
                    () -> access.getAttributes(runtime, new String[] { "VmName", "SystemProperties", "InputArguments", "Uptime" }));
            assertEquals(java.util.List.of("VmName", "Uptime"), some.asList().stream().map(Attribute::getName).toList());
            // An expression would read attributes around the check.
            refused(account, () -> access.queryNames(null, javax.management.Query.match(javax.management.Query.attr("VmName"),
                    javax.management.Query.value("*"))));
        }
        assertEquals(4, as("admin", () -> access.getAttributes(runtime, new String[] { "VmName", "SystemProperties", "InputArguments",
                "Uptime" })).size());
        as("admin", () -> access.getAttribute(runtime, "SystemProperties"));
        assertEquals(1, (int) as("admin", () -> access.queryNames(null, javax.management.Query.match(javax.management.Query.attr("VmName"),
                javax.management.Query.value("*"))).size()));
    }

    @Test
    public void anAccountLosesItsRightsWhenItChanges() throws Exception {
        as("admin", () -> access.invoke(nodeName, "poke", null, null));
        accounts.disable("admin");
        // Read again after at most CurrentRoles.MAX_AGE_MS.
        now.addAndGet(CurrentRoles.MAX_AGE_MS + 1);
        refused("admin", () -> access.invoke(nodeName, "poke", null, null));
        refused("admin", () -> access.getAttribute(nodeName, "Count"));
        accounts.add("admin", "p", Role.VIEWER);
        now.addAndGet(CurrentRoles.MAX_AGE_MS + 1);
        as("admin", () -> access.getAttribute(nodeName, "Count"));
        refused("admin", () -> access.invoke(nodeName, "poke", null, null));
    }

    @Test
    public void rolesAreNotReadAgainAtEachCall() throws Exception {
        int before = accounts.finds;
        for (int i = 0; i < 50; i++) {
            as("viewer", () -> access.getAttribute(nodeName, "Count"));
        }
        assertEquals(1, accounts.finds - before);
    }

    @Test
    public void withoutASubjectOnlyReads() throws Exception {
        // The connector's own calls (class loader look-ups) run without the client's subject.
        assertEquals(mbs.getClassLoaderFor(otherName), access.getClassLoaderFor(otherName));
        assertThrows(SecurityException.class, () -> access.invoke(nodeName, "poke", null, null));
        refused("nobody", () -> access.getAttribute(nodeName, "Count"));
    }
}
