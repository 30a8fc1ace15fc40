package jqm.jmx.access;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import javax.security.auth.Subject;

/**
 * The subject of the current call. The connector runs each client call with its subject: through
 * the access control context up to Java 17, reached by {@code Subject.current()} from Java 18 on
 * (where {@code Subject.getSubject} goes away).
 */
final class Subjects {
    private static final MethodHandle CURRENT = lookupCurrent();

    private Subjects() {
    }

    private static MethodHandle lookupCurrent() {
        try {
            return MethodHandles.publicLookup().findStatic(Subject.class, "current", MethodType.methodType(Subject.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }

    @SuppressWarnings("removal")
    static Subject current() {
        if (CURRENT != null) {
            try {
                return (Subject) CURRENT.invokeExact();
            } catch (Throwable e) {
                throw new IllegalStateException("Subject.current() failed", e);
            }
        }
        return Subject.getSubject(java.security.AccessController.getContext());
    }
}
