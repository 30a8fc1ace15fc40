package jqm.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jqm.api.client.Deliverable;
import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.JqmClient;
import jqm.api.client.JqmClientException;
import jqm.api.client.JqmInvalidRequestException;
import jqm.api.client.NoSuchJobInstanceException;
import jqm.api.client.Query;
import jqm.api.client.Queue;
import jqm.api.security.Role;
import jqm.rest.wire.DeliverableDto;
import jqm.rest.wire.ErrorDto;
import jqm.rest.wire.JobDefDto;
import jqm.rest.wire.JobInstanceDto;
import jqm.rest.wire.JobRequestDto;
import jqm.rest.wire.QueryDto;
import jqm.rest.wire.QueueDto;

/**
 * {@code /ws/client/*}: JQM's client API over HTTP, JSON in and out, through the {@link JqmClient}
 * service. Authentication is the JQM servlet context's (the same accounts, HTTPS and access log as the
 * simple API); each route checks the account's role. Every route is a line of {@link #routes()}; the
 * OpenAPI description of them is {@code GET /ws/client/openapi.json}.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletName("jqm.rest.client")
@HttpWhiteboardServletPattern("/ws/client/*")
@HttpWhiteboardContextSelect("(osgi.http.whiteboard.context.name=jqm)")
public class ClientApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ClientApiServlet.class);
    /** The most instances a list answers; {@code POST /ji/query} pages beyond. */
    static final int MAX_LIST = 1000;

    private final transient JqmClient client;
    private final transient ObjectMapper json;
    private final transient List<Route> routes;

    @Activate
    public ClientApiServlet(@Reference JqmClient client) {
        this.client = client;
        this.json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        this.routes = routes();
        LOG.info("Client API (jqm.rest) answering under /ws/client: {} routes, description at /ws/client/openapi.json",
                routes.size());
    }

    @Deactivate
    void deactivate() {
        LOG.info("Client API (jqm.rest) stopped: nothing answers under /ws/client any more");
    }

    private List<Route> routes() {
        List<Route> r = new ArrayList<>();
        // Literal paths before templates: /ji/active is not /ji/{id}.
        r.add(Route.of("GET", "/openapi.json", c -> new Raw("application/json", openApi())));
        r.add(Route.of("GET", "/jr", c -> JobRequestDto.empty()));
        r.add(Route.of("GET", "/ji", c -> list(c, new Query().setPageSize(MAX_LIST))));
        r.add(Route.of("GET", "/ji/active", c -> list(c, new Query().setQueryHistoryInstances(false).setPageSize(MAX_LIST))));
        r.add(Route.of("POST", "/ji", this::enqueue));
        r.add(Route.of("POST", "/ji/query", this::query));
        r.add(Route.of("GET", "/ji/files/{fileId}", this::deliverable));
        r.add(Route.of("POST", "/ji/cancelled/{id}", c -> control(c, client::cancel)));
        r.add(Route.of("DELETE", "/ji/waiting/{id}", c -> control(c, client::delete)));
        r.add(Route.of("POST", "/ji/killed/{id}", c -> control(c, client::kill)));
        r.add(Route.of("POST", "/ji/paused/{id}", c -> control(c, client::pause)));
        r.add(Route.of("DELETE", "/ji/paused/{id}", c -> control(c, client::resume)));
        r.add(Route.of("DELETE", "/ji/crashed/{id}", c -> {
            c.controls(c.id("id"));
            return dto(client.get(client.restartCrashed(c.id("id"))));
        }));
        r.add(Route.of("GET", "/ji/{id}", c -> dto(c.readable(c.id("id")))));
        r.add(Route.of("POST", "/ji/{id}", c -> {
            c.controls(c.id("id"));
            return client.enqueueFromHistory(c.id("id"));
        }));
        r.add(Route.of("GET", "/ji/{id}/messages", c -> client.getMessages(c.readable(c.id("id")).getId())));
        r.add(Route.of("GET", "/ji/{id}/files", c -> client.getDeliverables(c.readable(c.id("id")).getId()).stream()
                .map(DeliverableDto::of).toList()));
        r.add(Route.of("GET", "/ji/{id}/stdout", c -> new Raw("application/octet-stream",
                client.getLogStdOut(c.readable(c.id("id")).getId()))));
        r.add(Route.of("GET", "/ji/{id}/stderr", c -> new Raw("application/octet-stream",
                client.getLogStdErr(c.readable(c.id("id")).getId()))));
        r.add(Route.of("POST", "/ji/{id}/position/{position}", c -> {
            c.controls(c.id("id"));
            client.setPosition(c.id("id"), c.number("position"));
            return null;
        }));
        r.add(Route.of("POST", "/ji/{id}/priority/{priority}", c -> {
            c.controls(c.id("id"));
            client.setPriority(c.id("id"), c.number("priority"));
            return null;
        }));
        r.add(Route.of("GET", "/user/{name}/ji", this::userInstances));
        r.add(Route.of("GET", "/q", c -> {
            c.requireReader();
            return client.getQueues().stream().map(QueueDto::of).toList();
        }));
        r.add(Route.of("POST", "/q/{queue}/{id}", c -> {
            c.controls(c.id("id"));
            client.setQueue(c.id("id"), queueName(c.text("queue")));
            return null;
        }));
        r.add(Route.of("GET", "/jd", c -> {
            c.requireReader();
            return client.getJobDefinitions().stream().map(this::dto).toList();
        }));
        r.add(Route.of("GET", "/jd/{application}", c -> {
            c.requireReader();
            return client.getJobDefinitions().stream().filter(d -> c.text("application").equals(d.getApplication()))
                    .map(this::dto).toList();
        }));
        return List.copyOf(r);
    }

    private Object enqueue(Call c) throws IOException {
        c.require(Role.CLIENT);
        JobRequest request = c.body(JobRequestDto.class).toRequest();
        if (!c.account().may(Role.OPERATOR) || request.getUser() == null) {
            request.setUser(c.account().name()); // a client's instances are its own, whatever the body says
        }
        return dto(client.get(client.enqueue(request)));
    }

    private Object query(Call c) throws IOException {
        c.requireReader();
        QueryDto wanted = c.body(QueryDto.class);
        Query q = wanted.toQuery();
        if (!c.seesAll()) {
            if (q.getUser() != null && !q.getUser().equals(c.account().name())) {
                throw Failure.forbidden("Account " + c.account().name() + " may search its own instances only");
            }
            q.setUser(c.account().name());
        }
        return wanted.answered(client.query(q), this::dto);
    }

    private Object userInstances(Call c) {
        c.requireReader();
        String user = c.text("name");
        if (!c.seesAll() && !user.equals(c.account().name())) {
            throw Failure.forbidden("Account " + c.account().name() + " may list its own instances only");
        }
        return client.query(QueryDto.ofUser(user)).getInstances().stream().map(this::dto).toList();
    }

    private Object list(Call c, Query q) {
        c.requireReader();
        if (!c.seesAll()) {
            q.setUser(c.account().name());
        }
        return client.query(q).getInstances().stream().map(this::dto).toList();
    }

    private Object deliverable(Call c) {
        c.requireReader();
        String fileId = c.text("fileId");
        Deliverable d = client.getDeliverable(fileId).orElseThrow(
                () -> new Failure(400, 2, "NO_SUCH_FILE", "There is no deliverable with id " + fileId));
        try {
            c.readable(d.getJobId());
        } catch (NoSuchJobInstanceException e) {
            throw new Failure(400, 2, "NO_SUCH_FILE", "There is no deliverable with id " + fileId);
        }
        return new Raw("application/octet-stream", client.getDeliverableContent(fileId), d.getOriginalFileName());
    }

    @FunctionalInterface
    private interface Control {
        void apply(long id);
    }

    private Object control(Call c, Control what) {
        long id = c.id("id");
        c.controls(id);
        what.apply(id);
        return null;
    }

    private String queueName(String queue) {
        if (queue.chars().allMatch(Character::isDigit)) {
            long id = Long.parseLong(queue);
            return client.getQueues().stream().filter(q -> q.getId() == id).map(Queue::getName).findFirst()
                    .orElseThrow(() -> Failure.badRequest("There is no queue with id " + id));
        }
        return queue;
    }

    private JobInstanceDto dto(JobInstance j) {
        return JobInstanceDto.of(j, new QueueDto(0, j.getQueueName(), null));
    }

    private JobDefDto dto(jqm.api.client.JobDef d) {
        return JobDefDto.of(d, new QueueDto(0, d.getQueueName(), null));
    }

    private InputStream openApi() {
        return ClientApiServlet.class.getResourceAsStream("openapi.json");
    }

    /** A body sent as is (a log, a file, the OpenAPI description), not as JSON. */
    private record Raw(String type, InputStream content, String fileName) {
        Raw(String type, InputStream content) {
            this(type, content, null);
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            Map<String, String> params = route.match(path);
            if (params == null) {
                continue;
            }
            if (!route.method().equals(req.getMethod())) {
                allowed.add(route.method());
                continue;
            }
            answer(route, new Call(req, params, json, client), resp);
            return;
        }
        if (allowed.isEmpty()) {
            error(resp, new Failure(404, 5, "NOT_FOUND", "There is no " + path + " in the client API; see /ws/client/openapi.json"));
        } else {
            resp.setHeader("Allow", String.join(", ", allowed));
            error(resp, new Failure(405, 6, "METHOD_NOT_ALLOWED", path + " answers " + String.join(", ", allowed) + ", not "
                    + req.getMethod()));
        }
    }

    private void answer(Route route, Call call, HttpServletResponse resp) throws IOException {
        Object result;
        try {
            result = route.handler().handle(call);
        } catch (Failure f) {
            error(resp, f);
            return;
        } catch (NoSuchJobInstanceException e) {
            error(resp, new Failure(400, 2, "NO_SUCH_INSTANCE", e.getMessage()));
            return;
        } catch (JqmInvalidRequestException | IllegalArgumentException e) {
            error(resp, Failure.badRequest(e.getMessage()));
            return;
        } catch (JqmClientException e) {
            LOG.warn("{} {} failed: {}", route.method(), route.template(), e.getMessage());
            error(resp, new Failure(503, 8, "UNAVAILABLE", "The request could not be served now (the database may be "
                    + "unreachable); nothing was changed, try again later"));
            return;
        } catch (Exception e) {
            LOG.error("{} {} failed", route.method(), route.template(), e);
            error(resp, new Failure(500, 9, "INTERNAL", "The server failed to answer; its log says why"));
            return;
        }
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        if (result == null) {
            resp.setStatus(HttpServletResponse.SC_NO_CONTENT);
        } else if (result instanceof Raw raw) {
            resp.setStatus(HttpServletResponse.SC_OK);
            resp.setContentType(raw.type());
            if (raw.fileName() != null) {
                resp.setHeader("Content-Disposition", "attachment; filename=\"" + raw.fileName().replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
            }
            try (InputStream in = raw.content(); OutputStream out = resp.getOutputStream()) {
                in.transferTo(out);
            }
        } else {
            resp.setStatus(HttpServletResponse.SC_OK);
            resp.setContentType("application/json;charset=UTF-8");
            json.writeValue(resp.getOutputStream(), result);
        }
    }

    private void error(HttpServletResponse resp, Failure f) throws IOException {
        resp.setStatus(f.status);
        resp.setContentType("application/json;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        json.writeValue(resp.getOutputStream(), new ErrorDto(f.errorCode, f.code, f.getMessage(), null));
    }
}
