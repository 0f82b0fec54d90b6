package sluice.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options of the form {@code --name value}, checked against the names a command
 * accepts. Immutable; thread-safe.
 */
public final class Args {

  private final Map<String, String> values;

  private Args(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Parses {@code argv}; an unknown name, a missing value or a stray word is an {@link
   * IllegalArgumentException} naming it and the names allowed.
   */
  public static Args parse(String[] argv, List<String> allowed) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      String arg = argv[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException(
            "unexpected argument '" + arg + "'; options are --" + String.join(", --", allowed));
      }
      String name = arg.substring(2);
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException(
            "unknown option --" + name + "; options are --" + String.join(", --", allowed));
      }
      if (i + 1 >= argv.length) {
        throw new IllegalArgumentException("option --" + name + " needs a value");
      }
      values.put(name, argv[++i]);
    }
    return new Args(values);
  }

  /** The value of {@code --name}, or {@code fallback}. */
  public String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  /** Whether {@code --name} was given. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The value of {@code --name} as a positive long, or {@code fallback}. */
  public long longValue(String name, long fallback) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(v.replace("_", ""));
      if (parsed < 1) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "option --" + name + " must be a positive integer, got '" + v + "'");
    }
  }

  /** The value of {@code --name} as a positive int, or {@code fallback}. */
  public int intValue(String name, int fallback) {
    long v = longValue(name, fallback);
    if (v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "option --" + name + " must be at most " + Integer.MAX_VALUE + ", got " + v);
    }
    return (int) v;
  }
}
