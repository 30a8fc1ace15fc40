package jqm.api.client;

/** No job instance, waiting, running or in history, has the requested id. */
public class NoSuchJobInstanceException extends JqmInvalidRequestException {
    private static final long serialVersionUID = 1L;

    private final long id;

    public NoSuchJobInstanceException(long id) {
        super("There is no job instance with id " + id);
        this.id = id;
    }

    /** @return the id that was asked for */
    public long getId() {
        return id;
    }
}
