package jqm.engine.declare;

import java.util.Map;

/** The name a declaration gives: its {@code name} key, else the name of its factory configuration (PID~NAME). */
final class Names {
    private Names() {
    }

    static String of(String configured, Map<String, Object> properties, String factoryPid, String what) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        Object pid = properties.get("service.pid");
        String p = pid == null ? "" : pid.toString();
        int tilde = p.indexOf('~');
        if (tilde < 0 || tilde == p.length() - 1) {
            throw new IllegalArgumentException("The " + what + " configuration " + p
                    + " has no name: set the key 'name', or name the file " + factoryPid + "-NAME.cfg");
        }
        return p.substring(tilde + 1);
    }
}
