package sluice.actors.group.assign;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server-side assignors by name: {@code uniform} (the default, as in Kafka's {@code
 * group.consumer.assignors}) and {@code range}. Safe from any thread.
 */
public final class Assignors {
  /** The assignor a group uses when its members name none. */
  public static final String DEFAULT_NAME = UniformAssignor.NAME;

  private static final Map<String, Assignor> BY_NAME =
      byName(new UniformAssignor(), new RangeAssignor());

  private Assignors() {}

  /**
   * The assignor called {@code name}.
   *
   * @throws UnknownAssignorException naming the known ones, if there is none by that name
   */
  public static Assignor named(String name) {
    Assignor assignor = BY_NAME.get(name);
    if (assignor == null) {
      throw new UnknownAssignorException(name, names());
    }
    return assignor;
  }

  /** The default assignor, {@code uniform}. */
  public static Assignor defaultAssignor() {
    return named(DEFAULT_NAME);
  }

  /** The known names, sorted. */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  private static Map<String, Assignor> byName(Assignor... assignors) {
    Map<String, Assignor> map = new TreeMap<>();
    for (Assignor assignor : assignors) {
      map.put(assignor.name(), assignor);
    }
    return map;
  }

  /** A member or config asked for an assignor this broker does not have. */
  public static final class UnknownAssignorException extends IllegalArgumentException {
    private final String name;

    UnknownAssignorException(String name, List<String> known) {
      super("unknown assignor '" + name + "'; known assignors: " + String.join(", ", known));
      this.name = name;
    }

    /** The name that was asked for. */
    public String name() {
      return name;
    }
  }
}
