package sluice.storage.log;

/**
 * A topic config that is unknown or outside its allowed values. The message names the key, the
 * value and what is allowed; {@link #key()} and {@link #value()} let a front door report them.
 */
public class InvalidConfigException extends IllegalArgumentException {
  private final String key;
  private final String value;

  public InvalidConfigException(String key, String value, String allowed) {
    super("Invalid value '" + value + "' for config '" + key + "': " + allowed);
    this.key = key;
    this.value = value;
  }

  /** The config name. */
  public String key() {
    return key;
  }

  /** The rejected value as given (may be null). */
  public String value() {
    return value;
  }
}
