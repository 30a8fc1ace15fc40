package jqm.servlet.simple;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

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
import jqm.api.client.JqmInvalidRequestException;
import jqm.api.client.NoSuchJobInstanceException;
import jqm.servlet.security.Access;
import jqm.servlet.security.JqmServletContext;

/** {@code GET /ws/simple/stdout?id=} and {@code /stderr?id=}: stream what an instance wrote, as text. */
@Component(service = Servlet.class)
@HttpWhiteboardServletName("jqm.simple.logs")
@HttpWhiteboardServletPattern({ "/ws/simple/stdout", "/ws/simple/stderr" })
@HttpWhiteboardContextSelect(JqmServletContext.SELECT)
public class LogServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient JqmClient client;

    @Activate
    public LogServlet(@Reference JqmClient client) {
        this.client = client;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long id = Answers.id(req.getParameter("id"), resp);
        if (id < 0) {
            return;
        }
        boolean stderr = req.getServletPath().endsWith("stderr");
        try {
            JobInstance j = client.get(id);
            if (!Access.mayRead(req, resp, j)) {
                return;
            }
            try (InputStream in = stderr ? client.getLogStdErr(id) : client.getLogStdOut(id)) {
                resp.setStatus(HttpServletResponse.SC_OK);
                resp.setContentType("text/plain;charset=UTF-8");
                resp.setHeader("X-Content-Type-Options", "nosniff");
                resp.setHeader("Cache-Control", "no-store");
                OutputStream out = resp.getOutputStream();
                in.transferTo(out);
            }
        } catch (NoSuchJobInstanceException e) {
            Answers.text(resp, HttpServletResponse.SC_NOT_FOUND, e.getMessage());
        } catch (JqmInvalidRequestException e) {
            Answers.text(resp, HttpServletResponse.SC_NOT_FOUND, e.getMessage());
        } catch (JqmClientException e) {
            Answers.text(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "The log could not be read, try again later");
        }
    }
}
