package jqm.sample.hello;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

import jqm.api.payload.JobContext;
import jqm.api.payload.JobPayload;

/**
 * The job definition {@code HelloWorld}: greets whoever the parameter {@code name} names (the world
 * by default), reports progress, and ends. A parameter {@code seconds=N} makes it take N seconds
 * (reporting progress each second), to watch a running instance; {@code fail=true} makes it throw,
 * to see a CRASHED instance; {@code exit=N} calls {@code System.exit(N)}, to see that a payload cannot
 * stop the node; {@code file=NAME} hands the greeting over as a deliverable file of that name.
 */
@Component(scope = ServiceScope.PROTOTYPE, property = { JobPayload.JOBDEF + "=HelloWorld",
        JobPayload.DESCRIPTION + "=Says hello, reports progress and ends" })
public class HelloWorld implements JobPayload {
    @Override
    public void run(JobContext context) throws InterruptedException, java.io.IOException {
        String name = context.parameters().getOrDefault("name", "world");
        int seconds = Integer.parseInt(context.parameters().getOrDefault("seconds", "0"));
        for (int s = 0; s < seconds; s++) {
            context.setProgress(s * 100 / seconds);
            Thread.sleep(1000);
        }
        context.setProgress(50);
        Bundle self = FrameworkUtil.getBundle(HelloWorld.class);
        String line = "Hello, " + name + "! (instance " + context.instanceId() + " on node " + context.nodeName() + ", "
                + self.getSymbolicName() + " " + self.getVersion() + ")";
        System.out.println(line);
        context.sendMessage(line);
        String file = context.parameters().get("file");
        if (file != null && file.matches("[A-Za-z0-9._-]{1,100}")) {
            java.nio.file.Path greeting = context.workDirectory().resolve(file);
            java.nio.file.Files.writeString(greeting, line + System.lineSeparator());
            context.sendMessage("Deliverable " + context.addDeliverable(greeting, "greeting"));
        }
        if (context.parameters().containsKey("exit")) {
            System.exit(Integer.parseInt(context.parameters().get("exit"))); // refused: ends this instance, not the node
        }
        if (Boolean.parseBoolean(context.parameters().get("fail"))) {
            throw new IllegalStateException("Failing as asked by the parameter fail=true");
        }
        context.setProgress(100);
    }
}
