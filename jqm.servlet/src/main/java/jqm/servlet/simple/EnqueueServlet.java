package jqm.servlet.simple;

import java.io.IOException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.annotations.RequireHttpWhiteboard;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jqm.api.client.JqmClient;
import jqm.api.client.JqmClientException;
import jqm.api.client.JqmInvalidRequestException;

/** {@code POST /ws/simple/ji}: enqueues a job request given as a form, and answers the new id as text. */
@Component(service = Servlet.class)
@RequireHttpWhiteboard
@HttpWhiteboardServletName(EnqueueServlet.NAME)
@HttpWhiteboardServletPattern("/ws/simple/ji")
public class EnqueueServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    public static final String NAME = "jqm.simple.enqueue";

    private final transient JqmClient client;

    @Activate
    public EnqueueServlet(@Reference JqmClient client) {
        this.client = client;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        try {
            long id = client.enqueue(FormRequest.read(req.getParameterMap()));
            Answers.text(resp, HttpServletResponse.SC_OK, Long.toString(id));
        } catch (JqmInvalidRequestException e) {
            Answers.text(resp, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
        } catch (JqmClientException e) {
            Answers.text(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "The request could not be stored, try again later");
        }
    }
}
