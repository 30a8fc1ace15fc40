package jqm.api.payload;

/**
 * Thrown instead of stopping the JVM when payload code calls {@code System.exit}, {@code Runtime.exit}
 * or {@code Runtime.halt}: the engine rewrites those calls in payload bundles (bundles importing this
 * package) into calls to the methods below, so that a payload can end its instance, never the node.
 * The instance ends CRASHED with the call as its reason. An {@link Error}, so that payload code
 * catching {@code Exception} does not swallow it. Not for payloads to call or catch.
 */
public final class ExitRefused extends Error {
    private static final long serialVersionUID = 1L;

    private ExitRefused(String call) {
        super(call + " was called by a payload: the instance ends, the node goes on");
    }

    /** Replaces {@code System.exit(status)} in payload code. */
    public static void systemExit(int status) {
        throw new ExitRefused("System.exit(" + status + ")");
    }

    /** Replaces {@code Runtime.getRuntime().exit(status)} in payload code. */
    public static void runtimeExit(Runtime runtime, int status) {
        throw new ExitRefused("Runtime.exit(" + status + ")");
    }

    /** Replaces {@code Runtime.getRuntime().halt(status)} in payload code. */
    public static void runtimeHalt(Runtime runtime, int status) {
        throw new ExitRefused("Runtime.halt(" + status + ")");
    }
}
