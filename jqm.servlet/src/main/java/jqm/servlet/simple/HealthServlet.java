package jqm.servlet.simple;

import java.io.IOException;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jqm.api.node.NodeStatus;
import jqm.api.security.Role;
import jqm.servlet.security.Access;
import jqm.servlet.security.JqmServletContext;

/** {@code GET /ws/simple/localnode/health}: 200 when every poller of this node polled in time, 503 otherwise. */
@Component(service = Servlet.class)
@HttpWhiteboardServletName("jqm.simple.health")
@HttpWhiteboardServletPattern("/ws/simple/localnode/health")
@HttpWhiteboardContextSelect(JqmServletContext.SELECT)
public class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** Absent while the node does not poll (starting, database unreachable at start...): unhealthy. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile NodeStatus status;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!Access.require(req, resp, Role.VIEWER)) {
            return;
        }
        NodeStatus s = status;
        if (s == null) {
            Answers.text(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "The node is not polling");
        } else if (!s.pollersInTime()) {
            Answers.text(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Node " + s.nodeName() + ": pollers late: " + s.lastPolls());
        } else {
            Answers.text(resp, HttpServletResponse.SC_OK, "Node " + s.nodeName() + " OK");
        }
    }
}
