package jqm.engine.run;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.apache.felix.service.threadio.ThreadIO;

/**
 * Sends what a running instance writes to System.out and System.err (its logger's lines too, when the
 * logger writes to them) to that instance's own log files instead of the node's output. The JVM has
 * one System.out: this component replaces it with a stream that routes by thread (threads a payload
 * starts follow their parent), and puts the original back when it stops.
 *
 * <p>The console (Gogo) has its own per-thread System.out, {@link ThreadIO}, and puts it back in place
 * whenever a console command runs: an instance's streams are therefore given to ThreadIO as well, so
 * that they are followed whichever of the two is System.out at the time.
 */
@Component(service = OutputCapture.class)
public class OutputCapture {
    /** Where the current thread's output goes, when it runs an instance. */
    private final InheritableThreadLocal<OutputStream[]> target = new InheritableThreadLocal<>();
    private final PrintStream originalOut;
    private final PrintStream originalErr;
    private final PrintStream routingOut;
    private final PrintStream routingErr;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ThreadIO threadIO;

    @Activate
    public OutputCapture() {
        originalOut = System.out;
        originalErr = System.err;
        routingOut = new PrintStream(new Routing(0, originalOut), true, StandardCharsets.UTF_8);
        routingErr = new PrintStream(new Routing(1, originalErr), true, StandardCharsets.UTF_8);
        System.setOut(routingOut);
        System.setErr(routingErr);
    }

    @Deactivate
    void deactivate() {
        if (System.out == routingOut) {
            System.setOut(originalOut);
        }
        if (System.err == routingErr) {
            System.setErr(originalErr);
        }
    }

    /**
     * Routes the calling thread's output (and that of the threads it starts from now on) to the given
     * streams until the returned handle is closed.
     */
    public AutoCloseable capture(OutputStream out, OutputStream err) {
        OutputStream[] streams = { out, err };
        target.set(streams);
        ThreadIO console = threadIO;
        if (console != null) {
            // The routing streams themselves: they send this thread's output (and its children's) to the streams above.
            console.setStreams(System.in, routingOut, routingErr);
        }
        return () -> {
            if (console != null) {
                console.close();
            }
            target.remove();
            try (OutputStream o = streams[0]; OutputStream e = streams[1]) {
                // both closed, even when closing the first fails
            }
        };
    }

    /** Writes to the current thread's instance stream, or to the node's own when it runs no instance. */
    private final class Routing extends OutputStream {
        private final int index;
        private final PrintStream fallback;

        Routing(int index, PrintStream fallback) {
            this.index = index;
            this.fallback = fallback;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            OutputStream[] t = target.get();
            if (t == null) {
                fallback.write(b);
            } else {
                try {
                    t[index].write(b);
                } catch (java.io.IOException e) {
                    // the instance has ended (a thread it started writes on): dropped, as its log is closed
                }
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            OutputStream[] t = target.get();
            if (t == null) {
                fallback.write(b, off, len);
            } else {
                try {
                    t[index].write(b, off, len);
                } catch (java.io.IOException e) {
                    // the instance has ended (a thread it started writes on): dropped, as its log is closed
                }
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            OutputStream[] t = target.get();
            if (t == null) {
                fallback.flush();
            } else {
                try {
                    t[index].flush();
                } catch (java.io.IOException e) {
                    // closed with its instance
                }
            }
        }
    }
}
