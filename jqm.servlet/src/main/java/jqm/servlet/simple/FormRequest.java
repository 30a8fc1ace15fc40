package jqm.servlet.simple;

import java.util.Map;

import jqm.api.client.JobRequest;
import jqm.api.client.JqmInvalidRequestException;

/** Reads the form of {@code POST /ws/simple/ji}, with JQM's field names, into a {@link JobRequest}. */
final class FormRequest {
    private FormRequest() {
    }

    /**
     * @param form the request's parameters, as the servlet API gives them
     * @throws JqmInvalidRequestException when a field is malformed: repeated, or parameters unpaired
     */
    static JobRequest read(Map<String, String[]> form) {
        JobRequest r = new JobRequest();
        r.setApplicationName(single(form, "applicationname"));
        r.setUser(single(form, "user"));
        r.setModule(single(form, "module"));
        r.setEmail(single(form, "mail"));
        r.setKeyword1(single(form, "keyword1"));
        r.setKeyword2(single(form, "keyword2"));
        r.setKeyword3(single(form, "keyword3"));
        r.setSessionID(single(form, "sessionid"));
        String parent = single(form, "parentid");
        if (parent != null && !parent.isBlank()) {
            try {
                r.setParentID(Long.parseLong(parent.trim()));
            } catch (NumberFormatException e) {
                throw new JqmInvalidRequestException("The field 'parentid' must be a whole number");
            }
        }
        String[] names = form.getOrDefault("parameterNames", new String[0]);
        String[] values = form.getOrDefault("parameterValues", new String[0]);
        if (names.length != values.length) {
            throw new JqmInvalidRequestException("Got " + names.length + " parameterNames but " + values.length
                    + " parameterValues: each name needs exactly one value");
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i] == null || names[i].isBlank()) {
                throw new JqmInvalidRequestException("parameterNames number " + (i + 1) + " is empty");
            }
            if (r.getParameters().containsKey(names[i])) {
                throw new JqmInvalidRequestException("The parameter '" + names[i] + "' is given twice");
            }
            r.addParameter(names[i], values[i]);
        }
        return r;
    }

    private static String single(Map<String, String[]> form, String field) {
        String[] v = form.get(field);
        if (v == null || v.length == 0) {
            return null;
        }
        if (v.length > 1) {
            throw new JqmInvalidRequestException("The field '" + field + "' is given " + v.length + " times");
        }
        return v[0].isEmpty() ? null : v[0];
    }
}
