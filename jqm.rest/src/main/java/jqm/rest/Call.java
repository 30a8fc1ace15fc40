package jqm.rest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletRequest;
import jqm.api.client.JobInstance;
import jqm.api.client.JqmClient;
import jqm.api.client.NoSuchJobInstanceException;
import jqm.api.security.Account;
import jqm.api.security.Accounts;
import jqm.api.security.Role;

/** One HTTP call being answered: its path parameters, its body, and what its account may do. */
final class Call {
    /** Far above any sensible request document. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private final HttpServletRequest request;
    private final Map<String, String> path;
    private final ObjectMapper json;
    private final JqmClient client;
    private final Account account;

    Call(HttpServletRequest request, Map<String, String> path, ObjectMapper json, JqmClient client) {
        this.request = request;
        this.path = path;
        this.json = json;
        this.client = client;
        this.account = (Account) request.getAttribute(Accounts.REQUEST_ATTRIBUTE);
    }

    Account account() {
        return account;
    }

    /** @return a path parameter as given */
    String text(String name) {
        return path.get(name);
    }

    /** @return a path parameter that must be a positive whole number (an id) */
    long id(String name) {
        String raw = path.get(name);
        try {
            long v = Long.parseLong(raw);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw Failure.badRequest("'" + raw + "' is not a valid " + name + ": a positive whole number is expected");
    }

    /** @return a path parameter that must be a whole number */
    int number(String name) {
        String raw = path.get(name);
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw Failure.badRequest("'" + raw + "' is not a valid " + name + ": a whole number is expected");
        }
    }

    /** @return the JSON body read as the given document; a missing, oversized or malformed one is a 400 or 413 */
    <T> T body(Class<T> type) throws IOException {
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            throw new Failure(413, 7, "TOO_LARGE", "The body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new Failure(413, 7, "TOO_LARGE", "The body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        if (bytes.length == 0) {
            throw new Failure(400, 3, "MALFORMED_JSON", "A JSON body is expected (" + type.getSimpleName().replace("Dto", "") + ")");
        }
        try {
            T value = json.readValue(bytes, type);
            if (value == null) {
                throw new Failure(400, 3, "MALFORMED_JSON", "A JSON object is expected, not null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new Failure(400, 3, "MALFORMED_JSON", "The JSON body is not a valid " + type.getSimpleName().replace("Dto", "")
                    + ": " + e.getOriginalMessage() + location(e));
        }
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    /** Refuses the call (403) unless the account has a role allowing what {@code needed} allows. */
    void require(Role needed) {
        if (account == null || !account.may(needed)) {
            throw Failure.forbidden("Account " + (account == null ? "-" : account.name()) + " may not do this (needs the role "
                    + needed + ")");
        }
    }

    /** Refuses the call unless the account may read lists: viewers and above, and clients (who see their own). */
    void requireReader() {
        if (account == null || !(account.may(Role.VIEWER) || account.may(Role.CLIENT))) {
            throw Failure.forbidden("Account " + (account == null ? "-" : account.name()) + " may not read job instances");
        }
    }

    /** @return whether the account sees every instance (viewers and above), not only its own (clients) */
    boolean seesAll() {
        return account != null && account.may(Role.VIEWER);
    }

    /**
     * @return the instance, when the account may read it: viewers and above read all, a client those
     *         it enqueued; others are answered as if the instance did not exist
     */
    JobInstance readable(long id) {
        requireReader();
        JobInstance j = client.get(id);
        if (!seesAll() && !account.name().equals(j.getUser())) {
            throw new NoSuchJobInstanceException(id);
        }
        return j;
    }

    /** Refuses the call unless the account may control the instance: operators all, a client its own. */
    void controls(long id) {
        if (account != null && account.may(Role.OPERATOR)) {
            return;
        }
        require(Role.CLIENT);
        JobInstance j = client.get(id);
        if (!account.name().equals(j.getUser())) {
            throw new NoSuchJobInstanceException(id);
        }
    }
}
