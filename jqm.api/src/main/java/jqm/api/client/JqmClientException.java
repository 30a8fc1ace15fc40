package jqm.api.client;

/** A failure of the JQM client service that is not the caller's fault (the database is down...). */
public class JqmClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JqmClientException(String message) {
        super(message);
    }

    public JqmClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
