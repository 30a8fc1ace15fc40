package jqm.engine.store;

/** The database failed or could not be reached; the operation changed nothing. */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
