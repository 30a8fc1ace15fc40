package jqm.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of the routing table: an HTTP method, a path template such as {@code /ji/{id}/messages}
 * (each {@code {name}} matches one path segment), and what answers it.
 */
record Route(String method, String template, Handler handler, Pattern pattern, List<String> names) {

    /** Answers a call: the value returned is sent as JSON, {@code null} as 204 No Content. */
    @FunctionalInterface
    interface Handler {
        Object handle(Call call) throws Exception;
    }

    static Route of(String method, String template, Handler handler) {
        List<String> names = new java.util.ArrayList<>();
        StringBuilder regex = new StringBuilder();
        Matcher m = Pattern.compile("\\{([a-zA-Z]+)\\}").matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        return new Route(method, template, handler, Pattern.compile(regex.toString()), List.copyOf(names));
    }

    /** @return the path's parameters by name when the path matches the template, else {@code null} */
    Map<String, String> match(String path) {
        Matcher m = pattern.matcher(path);
        if (!m.matches()) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) {
            values.put(names.get(k), m.group(k + 1));
        }
        return values;
    }
}
