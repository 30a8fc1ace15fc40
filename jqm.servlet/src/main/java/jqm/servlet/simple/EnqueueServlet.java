package jqm.servlet.simple;

import java.io.IOException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.annotations.RequireHttpWhiteboard;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jqm.api.client.JobRequest;
import jqm.api.client.JqmClient;
import jqm.api.client.JqmClientException;
import jqm.api.client.JqmInvalidRequestException;
import jqm.api.security.Account;
import jqm.api.security.Role;
import jqm.servlet.security.Access;
import jqm.servlet.security.JqmServletContext;

/** {@code POST /ws/simple/ji}: enqueues a job request given as a form, and answers the new id as text. */
@Component(service = Servlet.class)
@RequireHttpWhiteboard
@HttpWhiteboardServletName(EnqueueServlet.NAME)
@HttpWhiteboardServletPattern("/ws/simple/ji")
@HttpWhiteboardContextSelect(JqmServletContext.SELECT)
public class EnqueueServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    public static final String NAME = "jqm.simple.enqueue";
    /** Far above any sensible request (parameter values are at most 4,000 characters each). */
    static final long MAX_FORM_BYTES = 100_000;

    private final transient JqmClient client;

    @Activate
    public EnqueueServlet(@Reference JqmClient client) {
        this.client = client;
    }

    /** Up to this much of a refused body is read and dropped before answering; beyond, the connection is cut. */
    static final long MAX_DISCARDED_BYTES = 1 << 20;

    /**
     * Reads and drops a refused body (up to {@link #MAX_DISCARDED_BYTES}), so that a client still
     * sending it gets the answer: unread, the server closes the connection under the client's feet
     * and the client sees a broken pipe instead of the 413.
     */
    private static void discard(HttpServletRequest req) {
        if (req.getContentLengthLong() > MAX_DISCARDED_BYTES) {
            return;
        }
        try {
            req.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            // the client gave up: nothing to answer
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!Access.require(req, resp, Role.CLIENT)) {
            return;
        }
        if (req.getContentLengthLong() > MAX_FORM_BYTES) {
            discard(req);
            Answers.text(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                    "The form is larger than " + MAX_FORM_BYTES + " bytes");
            return;
        }
        java.util.Map<String, String[]> form;
        try {
            form = req.getParameterMap();
        } catch (RuntimeException e) {
            // the container refuses forms over its own limit, or malformed ones, while parsing
            Answers.text(resp, HttpServletResponse.SC_BAD_REQUEST, "The form could not be read: it is malformed or too large");
            return;
        }
        try {
            JobRequest request = FormRequest.read(form);
            Account account = Access.account(req);
            if (!account.may(Role.OPERATOR)) {
                request.setUser(account.name()); // a client's instances are its own, whatever the form says
            } else if (request.getUser() == null) {
                request.setUser(account.name());
            }
            long id = client.enqueue(request);
            Answers.text(resp, HttpServletResponse.SC_OK, Long.toString(id));
        } catch (JqmInvalidRequestException e) {
            Answers.text(resp, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
        } catch (JqmClientException e) {
            Answers.text(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "The request could not be stored, try again later");
        }
    }
}
