package jqm.api.client;

/**
 * The caller asked for something that cannot be done: an unknown job definition, a malformed
 * request. The message says what is wrong in words an end user can act on; nothing was changed.
 */
public class JqmInvalidRequestException extends JqmClientException {
    private static final long serialVersionUID = 1L;

    public JqmInvalidRequestException(String message) {
        super(message);
    }
}
