package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import jqm.api.client.JqmInvalidRequestException;
import jqm.api.client.State;

/** The jqm:* Gogo commands, run through the Gogo command processor as the console runs them. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConsoleIT extends JqmTestSupport {
    private CommandSession session;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @Before
    public void session() throws Exception {
        deploySample();
        awaitService("(&(osgi.command.scope=jqm)(osgi.command.function=enqueue))");
        awaitService("(&(osgi.command.scope=jqm)(osgi.command.function=useradd))");
        PrintStream ps = new PrintStream(out, true);
        session = service(CommandProcessor.class).createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
    }

    @After
    public void close() {
        session.close();
    }

    private String run(String command) throws Exception {
        Object result = session.execute(command);
        return result == null ? "" : session.format(result, org.apache.felix.service.command.Converter.INSPECT).toString();
    }

    @Test
    public void enqueueStatusAndJobs() throws Exception {
        long id = Long.parseLong(run("jqm:enqueue HelloWorld name=Console").trim());
        assertEquals(State.ENDED, awaitEnd(id).getState());

        String status = run("jqm:status " + id);
        assertTrue(status, status.matches("(?s).*State\\s+ENDED.*"));
        assertTrue(status, status.contains("name=Console"));
        assertTrue(status, status.contains("Hello, Console!"));

        String jobs = run("jqm:jobs");
        assertTrue(jobs, jobs.startsWith("ID"));
        assertTrue(jobs, jobs.matches("(?s).*\\n" + id + "\\s+HelloWorld\\s+ENDED\\s+DEFAULT\\s+" + NODE + ".*"));
    }

    @Test
    public void operationsOnInstances() throws Exception {
        long held = Long.parseLong(run("jqm:enqueue --held -p 5 -u ops -q DEFAULT HelloWorld name=Held").trim());
        assertEquals(State.HOLDED, client.get(held).getState());
        assertEquals(5, client.get(held).getPriority());
        assertEquals("ops", client.get(held).getUser());
        run("jqm:priority " + held + " 8");
        assertEquals(8, client.get(held).getPriority());
        assertTrue(run("jqm:jobs -s HOLDED").contains(held + " "));
        run("jqm:resume " + held);
        assertEquals(State.ENDED, awaitEnd(held).getState());
        assertTrue(run("jqm:messages " + held).contains("Hello, Held!"));
        String ended = run("jqm:jobs -s ENDED -j HelloWorld -u ops");
        assertTrue(ended, ended.matches("(?s).*\\n" + held + "\\s+HelloWorld\\s+ENDED.*"));
        assertTrue(ended, ended.contains("1 of 1"));

        long cancelled = Long.parseLong(run("jqm:enqueue --held HelloWorld").trim());
        run("jqm:cancel " + cancelled);
        assertEquals(State.CANCELLED, client.get(cancelled).getState());

        long later = Long.parseLong(run("jqm:enqueue --after +1h HelloWorld").trim());
        assertEquals(State.SCHEDULED, client.get(later).getState());
        run("jqm:delete " + later);
        thrown(jqm.api.client.NoSuchJobInstanceException.class, () -> client.get(later));

        long crashed = Long.parseLong(run("jqm:enqueue HelloWorld fail=true").trim());
        assertEquals(State.CRASHED, awaitEnd(crashed).getState());
        long restarted = Long.parseLong(run("jqm:restart " + crashed).trim());
        assertEquals(State.CRASHED, awaitEnd(restarted).getState());

        String queues = run("jqm:queues");
        assertTrue(queues, queues.matches("(?s)QUEUE\\s+DEFAULT\\s+DESCRIPTION.*\\nDEFAULT\\s+yes.*"));
        String jobdefs = run("jqm:jobdefs");
        assertTrue(jobdefs, jobdefs.matches("(?s).*\\nHelloWorld\\s+BUNDLE\\s+DEFAULT.*jqm.sample.hello.*"));
    }

    @Test
    public void payloadsAreDeployedListedAndUndeployed() throws Exception {
        String deployed = run("jqm:deploy " + TestBundles.jar("jqm.sample.hello").getAbsolutePath());
        assertTrue(deployed, deployed.startsWith("Deployed jqm.sample.hello"));
        String list = run("jqm:payloads");
        assertTrue(list, list.matches("(?s)FILE\\s+BUNDLE\\s+VERSION\\s+STATE.*\\njqm.sample.hello.jar\\s+jqm.sample.hello\\s+\\S+\\s+ACTIVE\\s+unsigned.*"));
        run("jqm:undeploy jqm.sample.hello.jar");
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (run("jqm:payloads").contains("jqm.sample.hello.jar")) {
            assertTrue(System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
        assertTrue(thrown(IllegalArgumentException.class, () -> run("jqm:undeploy nothing.jar")).getMessage()
                .contains("no payload nothing.jar"));
        assertTrue(thrown(IllegalArgumentException.class, () -> run("jqm:deploy /etc/hostname")).getMessage()
                .contains("not a .jar"));
    }

    @Test
    public void queuesAndJobDefinitionsAreDeclared() throws Exception {
        assertTrue(run("jqm:queue reports max.concurrent=2 'description=Monthly reports'").contains("jqm.queue-reports.cfg"));
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (client.getQueues().stream().noneMatch(q -> q.getName().equals("reports") && "Monthly reports".equals(q.getDescription()))) {
            assertTrue("queue declared", System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
        run("jqm:jobdef Echo 'command=echo \"$1\"' parameter.what=hi queue=reports");
        while (client.getJobDefinitions().stream().noneMatch(d -> d.getApplicationName().equals("Echo"))) {
            assertTrue("job definition declared", System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
        long id = Long.parseLong(run("jqm:enqueue Echo").trim());
        assertEquals(State.ENDED, awaitEnd(id).getState());
        assertEquals("reports", client.get(id).getQueueName());
        assertEquals("hi\n", new String(client.getLogStdOut(id).readAllBytes()));

        run("jqm:undeclare jobdef Echo");
        run("jqm:undeclare queue reports");
        while (client.getJobDefinitions().stream().anyMatch(d -> d.getApplicationName().equals("Echo"))) {
            assertTrue("job definition removed", System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
        assertTrue(thrown(IllegalArgumentException.class, () -> run("jqm:queue ../etc max.concurrent=2")).getMessage()
                .contains("not a valid name"));
        assertTrue(thrown(IllegalArgumentException.class, () -> run("jqm:queue q slots=2")).getMessage()
                .contains("Unknown setting 'slots'"));
    }

    @Test
    public void accountsAreManaged() throws Exception {
        String created = run("jqm:useradd alice CLIENT,VIEWER");
        assertTrue(created, created.startsWith("Account alice created. Its password (shown once): "));
        String password = created.substring(created.lastIndexOf(' ') + 1).trim();
        jqm.api.security.Accounts accounts = service(jqm.api.security.Accounts.class);
        assertTrue(accounts.authenticate("alice", password.toCharArray()).isPresent());
        assertTrue(run("jqm:users"), run("jqm:users").matches("(?s).*\\nalice\\s+CLIENT,VIEWER\\s+yes\\s+never.*"));

        run("jqm:usermod --enabled false alice");
        assertTrue("a disabled account cannot log in", accounts.authenticate("alice", password.toCharArray()).isEmpty());
        run("jqm:usermod --enabled true --roles OPERATOR alice");
        assertEquals(java.util.Set.of(jqm.api.security.Role.OPERATOR), accounts.find("alice").get().roles());
        String reset = run("jqm:passwd alice");
        String newPassword = reset.substring(reset.lastIndexOf(' ') + 1).trim();
        assertTrue("the old password is gone", accounts.authenticate("alice", password.toCharArray()).isEmpty());
        assertTrue(accounts.authenticate("alice", newPassword.toCharArray()).isPresent());
        assertTrue(thrown(IllegalArgumentException.class, () -> run("jqm:useradd bob NOBODY")).getMessage().contains("not a role"));
        assertTrue(thrown(IllegalArgumentException.class, () -> run("jqm:useradd alice VIEWER")).getMessage().contains("exists"));
    }

    @Test
    public void errorsSayWhatIsWrong() throws Exception {
        assertTrue(thrown(JqmInvalidRequestException.class, () -> run("jqm:enqueue NoSuchJob")).getMessage()
                .contains("NoSuchJob"));
        assertTrue(thrown(IllegalArgumentException.class, () -> run("jqm:enqueue HelloWorld novalue")).getMessage()
                .contains("key=value"));
        assertTrue(thrown(Exception.class, () -> run("jqm:status 987654321")).getMessage().contains("987654321"));
        assertTrue(thrown(IllegalArgumentException.class, () -> run("jqm:enqueue --after tomorrow HelloWorld")).getMessage()
                .contains("ISO instant"));
        assertTrue(thrown(IllegalArgumentException.class, () -> run("jqm:jobs -s NOPE")).getMessage().contains("not a state"));
        assertTrue(thrown(Exception.class, () -> run("jqm:resume 987654321")).getMessage().contains("987654321"));
    }

    @Test
    public void commandsHaveHelp() throws Exception {
        String help = run("help jqm:enqueue") + out;
        assertTrue(help, help.contains("Enqueues a job request"));
        assertTrue(help, help.contains("parameters of the run, each as key=value"));
    }
}
