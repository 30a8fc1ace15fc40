package jqm.servlet.simple;

import java.io.IOException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jqm.api.client.JobInstance;
import jqm.api.client.JqmClient;
import jqm.api.client.JqmClientException;
import jqm.api.client.NoSuchJobInstanceException;
import jqm.servlet.security.Access;
import jqm.servlet.security.JqmServletContext;

/** {@code GET /ws/simple/status?id=}: answers the state of a job instance, as text. */
@Component(service = Servlet.class)
@HttpWhiteboardServletName("jqm.simple.status")
@HttpWhiteboardServletPattern("/ws/simple/status")
@HttpWhiteboardContextSelect(JqmServletContext.SELECT)
public class StatusServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient JqmClient client;

    @Activate
    public StatusServlet(@Reference JqmClient client) {
        this.client = client;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long id = Answers.id(req.getParameter("id"), resp);
        if (id < 0) {
            return;
        }
        try {
            JobInstance j = client.get(id);
            if (Access.mayRead(req, resp, j)) {
                Answers.text(resp, HttpServletResponse.SC_OK, j.getState().name());
            }
        } catch (NoSuchJobInstanceException e) {
            Answers.text(resp, HttpServletResponse.SC_NOT_FOUND, e.getMessage());
        } catch (JqmClientException e) {
            Answers.text(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "The state could not be read, try again later");
        }
    }
}
