package sluice.actors.broker;

/**
 * The data directory belongs to another broker or another cluster (its {@code meta.properties} says
 * so). The message names the file, both ids and what to do; the broker does not start.
 */
public class DataDirMismatchException extends IllegalStateException {
  public DataDirMismatchException(String message) {
    super(message);
  }
}
