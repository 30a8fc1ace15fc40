package jqm.engine.audit;

import java.util.regex.Pattern;

/** Which names hold secrets, and how they are shown: never. */
public final class Secrets {
    /** Key or parameter names holding a secret, whatever the case. */
    private static final Pattern SECRET = Pattern.compile("(?i).*(password|passwd|secret|token|credential|apikey|api_key).*");
    public static final String MASK = "********";

    private Secrets() {
    }

    /** @return whether a key or parameter of that name holds a secret */
    public static boolean isSecret(String name) {
        return name != null && SECRET.matcher(name).matches();
    }

    /** @return the value as it may be shown: masked when its name says it is a secret */
    public static String shown(String name, Object value) {
        return value == null ? null : isSecret(name) ? MASK : String.valueOf(value);
    }
}
