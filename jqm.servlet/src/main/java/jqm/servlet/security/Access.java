package jqm.servlet.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jqm.api.client.JobInstance;
import jqm.api.security.Account;
import jqm.api.security.Role;

/** What the authenticated account of a request may do. */
public final class Access {
    private Access() {
    }

    /** @return the request's account (set by {@link JqmServletContext}) */
    public static Account account(HttpServletRequest req) {
        return (Account) req.getAttribute(JqmServletContext.ACCOUNT);
    }

    /**
     * @return whether the account has a role allowing what {@code needed} allows; when not, the
     *         request has been answered 403
     */
    public static boolean require(HttpServletRequest req, HttpServletResponse resp, Role needed) throws IOException {
        Account a = account(req);
        if (a != null && a.may(needed)) {
            return true;
        }
        forbid(resp, "Account " + (a == null ? "-" : a.name()) + " may not do this (needs the role " + needed + ")");
        return false;
    }

    /**
     * Reading an instance: viewers and above read all, a client reads only those it enqueued.
     *
     * @return whether allowed; when not, the request has been answered 404, as if the instance did not exist
     */
    public static boolean mayRead(HttpServletRequest req, HttpServletResponse resp, JobInstance j) throws IOException {
        Account a = account(req);
        if (a != null && (a.may(Role.VIEWER) || a.may(Role.CLIENT) && a.name().equals(j.getUser()))) {
            return true;
        }
        resp.setStatus(HttpServletResponse.SC_NOT_FOUND);
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().write("There is no job instance with id " + j.getId() + "\n");
        return false;
    }

    private static void forbid(HttpServletResponse resp, String why) throws IOException {
        resp.setStatus(HttpServletResponse.SC_FORBIDDEN);
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().write(why + "\n");
    }
}
