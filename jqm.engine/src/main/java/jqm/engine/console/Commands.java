package jqm.engine.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import jqm.api.client.JobDef;
import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.JqmClient;
import jqm.api.client.Query;
import jqm.api.client.Queue;
import jqm.api.client.State;
import jqm.engine.deploy.PayloadDeployer;

/** The {@code jqm:*} console commands. Errors are thrown with a message for the operator, shown by the shell. */
@Component(service = Commands.class)
@GogoCommand(scope = "jqm", function = { "enqueue", "status", "jobs", "messages", "kill", "cancel", "delete", "pause",
        "resume", "move", "priority", "position", "restart", "queues", "jobdefs", "deploy", "undeploy", "payloads", "queue", "jobdef", "undeclare" })
public class Commands {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final JqmClient client;
    private final PayloadDeployer deployer;
    private final Declarations declarations;

    @Activate
    public Commands(BundleContext context, @Reference JqmClient client, @Reference PayloadDeployer deployer) {
        this.client = client;
        this.deployer = deployer;
        String conf = context.getProperty("felix.fileinstall.dir");
        this.declarations = new Declarations(java.nio.file.Paths.get(conf == null ? "conf" : conf).toAbsolutePath());
    }

    @Descriptor("Declares a queue for this node, or changes it: writes conf/jqm.queue-NAME.cfg, applied at once")
    public String queue(@Descriptor("name of the queue") String name,
            @Descriptor("settings: max.concurrent=N polling.interval.ms=N description=... enabled=true|false") String... settings)
            throws Exception {
        return "Wrote " + declarations.write("jqm.queue", name, Declarations.QUEUE_KEYS, settings);
    }

    @Descriptor("Declares a job definition (a shell job with command=...), or overrides a payload's: writes conf/jqm.jobdef-NAME.cfg")
    public String jobdef(@Descriptor("name of the job definition") String name,
            @Descriptor("settings: command=... queue=... parameter.KEY=VALUE max.run.time.seconds=N highlander=true description=...") String... settings)
            throws Exception {
        return "Wrote " + declarations.write("jqm.jobdef", name, Declarations.JOBDEF_KEYS, settings);
    }

    @Descriptor("Removes a queue (this node stops polling it) or a job definition declared in conf/")
    public String undeclare(@Descriptor("queue or jobdef") String kind, @Descriptor("its name") String name) throws Exception {
        String pid = switch (kind) {
        case "queue" -> "jqm.queue";
        case "jobdef" -> "jqm.jobdef";
        default -> throw new IllegalArgumentException("'" + kind + "' is neither queue nor jobdef");
        };
        return "Removed " + declarations.delete(pid, name);
    }

    @Descriptor("Deploys a payload bundle: copies the jar into the node's payloads folder and waits for it to start")
    public String deploy(@Descriptor("path of the payload bundle's jar") String jar) throws Exception {
        return "Deployed " + deployer.deploy(java.nio.file.Paths.get(jar), 30_000);
    }

    @Descriptor("Undeploys a payload bundle: removes its jar from the payloads folder (running instances end first)")
    public String undeploy(@Descriptor("file name of the jar in the payloads folder") String fileName) throws Exception {
        deployer.undeploy(fileName);
        return "Removed " + fileName + "; its bundle retires once its running instances end";
    }

    @Descriptor("Lists the payload bundles of this node, with who signed each")
    public String payloads() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] { "FILE", "BUNDLE", "VERSION", "STATE", "SIGNER" });
        for (PayloadDeployer.Payload p : deployer.payloads()) {
            rows.add(new String[] { p.file(), p.symbolicName(), p.version(), p.state(), p.signer() });
        }
        return Table.format(rows);
    }

    @Descriptor("Enqueues a job request and prints the new instance's id")
    public long enqueue(
            @Descriptor("queue to wait in, instead of the job definition's") @Parameter(names = { "-q", "--queue" }, absentValue = "") String queue,
            @Descriptor("priority, 1 (lowest) to 10 (highest)") @Parameter(names = { "-p", "--priority" }, absentValue = "0") int priority,
            @Descriptor("user to record (default: the node's OS user)") @Parameter(names = { "-u", "--user" }, absentValue = "") String user,
            @Descriptor("start held: the instance waits until resumed") @Parameter(names = { "--held" }, presentValue = "true", absentValue = "false") boolean held,
            @Descriptor("do not start before: an ISO instant (2026-12-01T08:00:00Z) or a delay (+30s, +5m, +2h)") @Parameter(names = { "--after" }, absentValue = "") String after,
            @Descriptor("name of the job definition") String name,
            @Descriptor("parameters of the run, each as key=value") String... parameters) {
        JobRequest request = JobRequest.of(name).setUser(user.isEmpty() ? System.getProperty("user.name") : user)
                .setStartHeld(held);
        if (!queue.isEmpty()) {
            request.setQueueName(queue);
        }
        if (priority != 0) {
            request.setPriority(priority);
        }
        if (!after.isEmpty()) {
            request.setRunAfter(instant(after));
        }
        for (String p : parameters) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Parameter '" + p + "' is not of the form key=value");
            }
            request.addParameter(p.substring(0, eq), p.substring(eq + 1));
        }
        return client.enqueue(request);
    }

    static Instant instant(String s) {
        try {
            if (s.startsWith("+")) {
                return Instant.now().plus(Duration.parse("PT" + s.substring(1).toUpperCase()));
            }
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + s + "' is neither an ISO instant (2026-12-01T08:00:00Z) nor a delay (+30s, +5m)");
        }
    }

    @Descriptor("Shows one job instance: its state, dates, progress, parameters and messages")
    public String status(@Descriptor("id of the job instance") long id) {
        JobInstance j = client.get(id);
        StringBuilder sb = new StringBuilder();
        row(sb, "Id", Long.toString(j.getId()));
        row(sb, "Job", j.getApplicationName());
        row(sb, "State", j.getState().name());
        row(sb, "Queue", j.getQueueName());
        row(sb, "Priority", j.getPriority() == 0 ? null : Integer.toString(j.getPriority()));
        row(sb, "Node", j.getNodeName());
        row(sb, "User", j.getUser());
        row(sb, "Session", j.getSessionID());
        row(sb, "Parent", j.getParent() == null ? null : j.getParent().toString());
        row(sb, "Enqueued", time(j.getEnqueueDate()));
        row(sb, "Run after", time(j.getRunAfter()));
        row(sb, "Started", time(j.getBeganRunningDate()));
        row(sb, "Ended", time(j.getEndDate()));
        row(sb, "Progress", j.getProgress() == null ? null : j.getProgress().toString());
        j.getParameters().forEach((k, v) -> row(sb, "Parameter", k + "=" + v));
        j.getMessages().forEach(m -> row(sb, "Message", m));
        return sb.toString();
    }

    @Descriptor("Lists job instances, waiting, running and ended, newest first")
    public String jobs(
            @Descriptor("only in this state (SUBMITTED, RUNNING, ENDED, CRASHED...)") @Parameter(names = { "-s", "--state" }, absentValue = "") String state,
            @Descriptor("only of this job definition") @Parameter(names = { "-j", "--job" }, absentValue = "") String job,
            @Descriptor("only of this user") @Parameter(names = { "-u", "--user" }, absentValue = "") String user,
            @Descriptor("only in this queue") @Parameter(names = { "-q", "--queue" }, absentValue = "") String queue,
            @Descriptor("how many to list, at most 1000") @Parameter(names = { "-n", "--limit" }, absentValue = "20") int limit) {
        Query q = new Query().setPageSize(limit);
        if (!state.isEmpty()) {
            try {
                q.addState(State.valueOf(state.toUpperCase()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + state + "' is not a state; states are " + List.of(State.values()));
            }
        }
        q.setApplicationName(job.isEmpty() ? null : job).setUser(user.isEmpty() ? null : user)
                .setQueueName(queue.isEmpty() ? null : queue);
        Query result = client.query(q);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] { "ID", "JOB", "STATE", "QUEUE", "NODE", "USER", "ENQUEUED", "ENDED", "PROGRESS" });
        for (JobInstance j : result.getInstances()) {
            rows.add(new String[] { Long.toString(j.getId()), j.getApplicationName(), j.getState().name(), j.getQueueName(),
                    dash(j.getNodeName()), dash(j.getUser()), dash(time(j.getEnqueueDate())), dash(time(j.getEndDate())),
                    j.getProgress() == null ? "-" : j.getProgress().toString() });
        }
        return Table.format(rows) + result.getInstances().size() + " of " + result.getResultSize() + System.lineSeparator();
    }

    @Descriptor("Shows the messages of a job instance")
    public String messages(@Descriptor("id of the job instance") long id) {
        return String.join(System.lineSeparator(), client.getMessages(id)) + System.lineSeparator();
    }

    @Descriptor("Kills a running instance (a waiting one is cancelled)")
    public String kill(@Descriptor("id of the job instance") long id) {
        client.kill(id);
        return "Kill requested for instance " + id;
    }

    @Descriptor("Cancels a waiting instance: it never runs, and stays in history as CANCELLED")
    public String cancel(@Descriptor("id of the job instance") long id) {
        client.cancel(id);
        return "Instance " + id + " cancelled";
    }

    @Descriptor("Deletes a waiting instance without keeping any history")
    public String delete(@Descriptor("id of the job instance") long id) {
        client.delete(id);
        return "Instance " + id + " deleted";
    }

    @Descriptor("Holds a waiting instance: no node claims it until it is resumed")
    public String pause(@Descriptor("id of the job instance") long id) {
        client.pause(id);
        return "Instance " + id + " held";
    }

    @Descriptor("Releases a held instance")
    public String resume(@Descriptor("id of the job instance") long id) {
        client.resume(id);
        return "Instance " + id + " released";
    }

    @Descriptor("Moves a waiting instance to another queue")
    public String move(@Descriptor("id of the job instance") long id, @Descriptor("name of the queue") String queue) {
        client.setQueue(id, queue);
        return "Instance " + id + " moved to queue " + queue;
    }

    @Descriptor("Changes the priority of a waiting instance")
    public String priority(@Descriptor("id of the job instance") long id,
            @Descriptor("priority, 1 (lowest) to 10 (highest)") int priority) {
        client.setPriority(id, priority);
        return "Instance " + id + " has priority " + priority;
    }

    @Descriptor("Moves a waiting instance in the line of its queue (among instances of its priority)")
    public String position(@Descriptor("id of the job instance") long id,
            @Descriptor("position, 1 to run first") int position) {
        return "Instance " + id + " is at position " + client.setPosition(id, position);
    }

    @Descriptor("Runs a crashed or killed instance again, as a new instance; prints its id")
    public long restart(@Descriptor("id of the crashed or killed instance") long id) {
        return client.restartCrashed(id);
    }

    @Descriptor("Lists the queues of the cluster")
    public String queues() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] { "QUEUE", "DEFAULT", "DESCRIPTION" });
        for (Queue q : client.getQueues()) {
            rows.add(new String[] { q.getName(), q.isDefaultQueue() ? "yes" : "", dash(q.getDescription()) });
        }
        return Table.format(rows);
    }

    @Descriptor("Lists the job definitions of the cluster")
    public String jobdefs() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] { "JOB", "KIND", "QUEUE", "MAX RUN TIME", "HIGHLANDER", "DECLARED BY", "DESCRIPTION" });
        for (JobDef d : client.getJobDefinitions()) {
            rows.add(new String[] { d.getApplicationName(), d.getKind(), d.getQueueName(),
                    d.getMaxRunTimeSeconds() == null ? "-" : d.getMaxRunTimeSeconds() + " s", d.isHighlander() ? "yes" : "",
                    dash(d.getDeclaredBy()), dash(d.getDescription()) });
        }
        return Table.format(rows);
    }

    private static void row(StringBuilder sb, String label, String value) {
        if (value != null) {
            sb.append(String.format("%-10s %s%n", label, value));
        }
    }

    private static String time(Instant i) {
        return i == null ? null : TIME.format(i);
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}
