package jqm.engine.run;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import jqm.api.client.State;
import jqm.engine.files.InstanceFiles;
import jqm.engine.store.Claim;

/**
 * One run of a shell job: {@code /bin/sh -c COMMAND JOBNAME VALUE...} (the parameters' values sorted by
 * parameter name, so {@code $1} is the first of them), in the instance's work folder, with JQM's
 * environment variables, its output appended to the instance's log files. Files the command leaves
 * in {@code $JQM_JI_DELIVERY_DIR} become deliverables. Interrupting the running thread (a kill)
 * destroys the process and its children.
 */
final class ShellRun {
    /** How it ended, when nobody killed it. */
    record Outcome(State state, String reason) {
    }

    private final Claim claim;
    private final String nodeName;
    private final InstanceFiles files;
    private final String apiUrl;

    ShellRun(Claim claim, String nodeName, InstanceFiles files, String apiUrl) {
        this.claim = claim;
        this.nodeName = nodeName;
        this.files = files;
        this.apiUrl = apiUrl;
    }

    Outcome run() {
        if (claim.command() == null || claim.command().isBlank()) {
            return new Outcome(State.CRASHED, "Job definition " + claim.jobName() + " has no command");
        }
        try {
            Path work = files.workDirectory(claim.id());
            Path delivery = Files.createDirectories(work.resolve("delivery"));
            List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", claim.command(), claim.jobName()));
            command.addAll(new TreeMap<>(claim.parameters()).values());
            ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
            Map<String, String> env = pb.environment();
            env.put("JQM_JI_ID", Long.toString(claim.id()));
            env.put("JQM_JD_APPLICATION_NAME", claim.jobName());
            env.put("JQM_Q_NAME", claim.queueName());
            env.put("JQM_NODE_NAME", nodeName);
            env.put("JQM_API_LOCAL_URL", apiUrl);
            env.put("JQM_JI_PARENT_ID", claim.parentId() == null ? "" : claim.parentId().toString());
            env.put("JQM_JI_USER_NAME", claim.user() == null ? "" : claim.user());
            env.put("JQM_JI_TEMP_DIR", work.toString());
            env.put("JQM_JI_DELIVERY_DIR", delivery.toString());
            files.openLog(claim.id(), InstanceFiles.Stream.STDOUT).close();
            files.openLog(claim.id(), InstanceFiles.Stream.STDERR).close();
            pb.redirectInput(new File("/dev/null"));
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(files.log(claim.id(), InstanceFiles.Stream.STDOUT).toFile()));
            pb.redirectError(ProcessBuilder.Redirect.appendTo(files.log(claim.id(), InstanceFiles.Stream.STDERR).toFile()));
            Process p = pb.start();
            Outcome outcome;
            try {
                int code = p.waitFor();
                outcome = code == 0 ? new Outcome(State.ENDED, null)
                        : new Outcome(State.CRASHED, "The command exited with code " + code);
            } catch (InterruptedException e) {
                destroy(p);
                outcome = new Outcome(State.KILLED, "Killed");
            }
            deliver(delivery);
            return outcome;
        } catch (IOException e) {
            return new Outcome(State.CRASHED, "The command could not be run: " + e.getMessage());
        }
    }

    private static void destroy(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(Path delivery) throws IOException {
        try (var found = Files.list(delivery)) {
            for (Path f : found.filter(Files::isRegularFile).toList()) {
                files.storeDeliverable(claim.id(), f, "shell");
            }
        }
    }
}
