package jqm.engine.console;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.JqmClient;

/** The {@code jqm:*} console commands. Errors are thrown with a message for the operator, shown by the shell. */
@Component(service = Commands.class)
@GogoCommand(scope = "jqm", function = { "enqueue", "status", "jobs" })
public class Commands {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final JqmClient client;

    @Activate
    public Commands(@Reference JqmClient client) {
        this.client = client;
    }

    @Descriptor("Enqueues a job request and prints the new instance's id")
    public long enqueue(@Descriptor("name of the job definition") String name,
            @Descriptor("parameters of the run, each as key=value") String... parameters) {
        JobRequest request = JobRequest.of(name).setUser(System.getProperty("user.name"));
        for (String p : parameters) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Parameter '" + p + "' is not of the form key=value");
            }
            request.addParameter(p.substring(0, eq), p.substring(eq + 1));
        }
        return client.enqueue(request);
    }

    @Descriptor("Shows one job instance: its state, dates, progress, parameters and messages")
    public String status(@Descriptor("id of the job instance") long id) {
        JobInstance j = client.get(id);
        StringBuilder sb = new StringBuilder();
        row(sb, "Id", Long.toString(j.getId()));
        row(sb, "Job", j.getApplicationName());
        row(sb, "State", j.getState().name());
        row(sb, "Queue", j.getQueueName());
        row(sb, "Node", j.getNodeName());
        row(sb, "User", j.getUser());
        row(sb, "Enqueued", time(j.getEnqueueDate()));
        row(sb, "Started", time(j.getBeganRunningDate()));
        row(sb, "Ended", time(j.getEndDate()));
        row(sb, "Progress", j.getProgress() == null ? null : j.getProgress().toString());
        j.getParameters().forEach((k, v) -> row(sb, "Parameter", k + "=" + v));
        j.getMessages().forEach(m -> row(sb, "Message", m));
        return sb.toString();
    }

    @Descriptor("Lists the 20 most recent job instances, waiting, running and ended, newest first")
    public String jobs() {
        return jobs(20);
    }

    @Descriptor("Lists the most recent job instances, waiting, running and ended, newest first")
    public String jobs(@Descriptor("how many instances to list, at most 1000") int limit) {
        List<JobInstance> jobs = client.getJobs(limit);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] { "ID", "JOB", "STATE", "QUEUE", "NODE", "USER", "ENQUEUED", "ENDED" });
        for (JobInstance j : jobs) {
            rows.add(new String[] { Long.toString(j.getId()), j.getApplicationName(), j.getState().name(), j.getQueueName(),
                    dash(j.getNodeName()), dash(j.getUser()), dash(time(j.getEnqueueDate())), dash(time(j.getEndDate())) });
        }
        return Table.format(rows);
    }

    private static void row(StringBuilder sb, String label, String value) {
        if (value != null) {
            sb.append(String.format("%-10s %s%n", label, value));
        }
    }

    private static String time(java.time.Instant i) {
        return i == null ? null : TIME.format(i);
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}
