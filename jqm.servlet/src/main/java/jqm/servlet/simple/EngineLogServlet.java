package jqm.servlet.simple;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jqm.api.security.Role;
import jqm.servlet.security.Access;
import jqm.servlet.security.JqmServletContext;

/** {@code GET /ws/simple/enginelog?latest=N}: the last lines of the engine log, for administrators only. */
@Component(service = Servlet.class, configurationPid = JqmServletContext.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@HttpWhiteboardServletName("jqm.simple.enginelog")
@HttpWhiteboardServletPattern("/ws/simple/enginelog")
@HttpWhiteboardContextSelect(JqmServletContext.SELECT)
public class EngineLogServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final int MAX_LINES = 10_000;

    private final transient Path log;

    @Activate
    public EngineLogServlet(JqmServletContext.Config config) {
        this.log = Paths.get(config.engine_log()).toAbsolutePath();
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!Access.require(req, resp, Role.ADMINISTRATOR)) {
            return;
        }
        int latest = 100;
        String raw = req.getParameter("latest");
        if (raw != null) {
            try {
                latest = Integer.parseInt(raw.trim());
            } catch (NumberFormatException e) {
                latest = -1;
            }
            if (latest < 1 || latest > MAX_LINES) {
                Answers.text(resp, HttpServletResponse.SC_BAD_REQUEST, "The parameter 'latest' is a number of lines from 1 to " + MAX_LINES);
                return;
            }
        }
        if (!Files.isRegularFile(log)) {
            Answers.text(resp, HttpServletResponse.SC_NOT_FOUND, "This node does not write its engine log to a file");
            return;
        }
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType("text/plain;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getOutputStream().write(tail(log, latest));
    }

    /** @return the last lines of a file, read from its end */
    static byte[] tail(Path file, int lines) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long end = f.length();
            long pos = end;
            int found = 0;
            byte[] buf = new byte[8192];
            while (pos > 0) {
                int n = (int) Math.min(buf.length, pos);
                pos -= n;
                f.seek(pos);
                f.readFully(buf, 0, n);
                for (int i = n - 1; i >= 0; i--) {
                    if (buf[i] == '\n' && pos + i != end - 1 && ++found == lines) {
                        return read(f, pos + i + 1, end);
                    }
                }
            }
            return read(f, 0, end);
        }
    }

    private static byte[] read(RandomAccessFile f, long from, long to) throws IOException {
        byte[] b = new byte[(int) (to - from)];
        f.seek(from);
        f.readFully(b);
        return b;
    }
}
