package jqm.servlet.simple;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

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
import jqm.api.client.Deliverable;
import jqm.api.client.JobInstance;
import jqm.api.client.JqmClient;
import jqm.api.client.JqmClientException;
import jqm.api.client.JqmInvalidRequestException;
import jqm.servlet.security.Access;
import jqm.servlet.security.JqmServletContext;

/**
 * {@code GET /ws/simple/file?id=RANDOMID}: streams a deliverable, with a content type guessed from its
 * original name and that name as the download's file name. Only a well-formed random id is looked up.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletName("jqm.simple.file")
@HttpWhiteboardServletPattern("/ws/simple/file")
@HttpWhiteboardContextSelect(JqmServletContext.SELECT)
public class FileServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Pattern RANDOM_ID = Pattern.compile("[0-9a-f]{32}");

    private final transient JqmClient client;

    @Activate
    public FileServlet(@Reference JqmClient client) {
        this.client = client;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String id = req.getParameter("id");
        if (id == null || !RANDOM_ID.matcher(id).matches()) {
            Answers.text(resp, HttpServletResponse.SC_BAD_REQUEST, "The parameter 'id' must be a file id: 32 hexadecimal characters");
            return;
        }
        try {
            Optional<Deliverable> d = find(id);
            if (d.isEmpty()) {
                Answers.text(resp, HttpServletResponse.SC_NOT_FOUND, "There is no file with id " + id);
                return;
            }
            JobInstance j = client.get(d.get().getJobId());
            if (!Access.mayRead(req, resp, j)) {
                return;
            }
            try (InputStream in = client.getDeliverableContent(id)) {
                String name = d.get().getOriginalFileName();
                String type = URLConnection.guessContentTypeFromName(name);
                resp.setStatus(HttpServletResponse.SC_OK);
                resp.setContentType(type == null ? "application/octet-stream" : type);
                resp.setContentLengthLong(d.get().getSize());
                resp.setHeader("X-Content-Type-Options", "nosniff");
                resp.setHeader("Content-Disposition", "attachment; filename=\"" + name.replaceAll("[^A-Za-z0-9._-]", "_")
                        + "\"; filename*=UTF-8''" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
                in.transferTo(resp.getOutputStream());
            }
        } catch (JqmInvalidRequestException e) {
            Answers.text(resp, HttpServletResponse.SC_NOT_FOUND, e.getMessage());
        } catch (JqmClientException e) {
            Answers.text(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "The file could not be read, try again later");
        }
    }

    /** Finds a deliverable's description by its id, through the instance that owns it. */
    private Optional<Deliverable> find(String id) {
        return client.getDeliverable(id);
    }
}
