package jqm.servlet.simple;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;

/** Plain-text answers of the simple API: a value, or a short error saying what is wrong. */
final class Answers {
    private Answers() {
    }

    static void text(HttpServletResponse resp, int status, String body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.getWriter().write(body);
        resp.getWriter().write('\n');
    }

    /**
     * Parses an instance id given by a client.
     *
     * @return the id, or {@code -1} after answering 400 when it is missing or not a positive number
     */
    static long id(String raw, HttpServletResponse resp) throws IOException {
        if (raw == null || raw.isBlank()) {
            text(resp, HttpServletResponse.SC_BAD_REQUEST, "The parameter 'id' is missing");
            return -1;
        }
        try {
            long id = Long.parseLong(raw.trim());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        text(resp, HttpServletResponse.SC_BAD_REQUEST, "The parameter 'id' must be a positive whole number");
        return -1;
    }
}
