package sluice.actors.controller;

import java.util.Collection;
import java.util.Optional;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;

/**
 * Kafka's topic name rules: 1 to 249 characters from {@code [a-zA-Z0-9._-]}, not {@code .} or
 * {@code ..}. Names starting with {@code __} are reserved for internal topics (such as {@code
 * __consumer_offsets}), which only the broker itself creates. Two names that differ only by {@code
 * .} versus {@code _} collide (Kafka's metric names cannot tell them apart), so the second is
 * refused. Stateless, safe from any thread.
 */
public final class TopicNames {
  public static final int MAX_LENGTH = 249;
  public static final String INTERNAL_PREFIX = "__";

  private TopicNames() {}

  /** Why {@code name} is not a valid topic name, or empty if it is. */
  public static Optional<ApiError> check(String name, boolean internal) {
    if (name == null || name.isEmpty()) {
      return invalid("Topic name is empty: it needs 1 to %d characters", MAX_LENGTH);
    }
    if (name.equals(".") || name.equals("..")) {
      return invalid("Topic name cannot be '.' or '..', got '%s'", name);
    }
    if (name.length() > MAX_LENGTH) {
      return invalid(
          "Topic name '%s...' is %d characters long, at most %d are allowed",
          name.substring(0, 20), name.length(), MAX_LENGTH);
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isLegal(c)) {
        return invalid(
            "Topic name '%s' has the illegal character '%s' at index %d: only ASCII letters,"
                + " digits, '.', '_' and '-' are allowed",
            name, c, i);
      }
    }
    boolean reserved = name.startsWith(INTERNAL_PREFIX);
    if (reserved && !internal) {
      return invalid(
          "Topic name '%s' starts with '%s', which is reserved for internal topics",
          name, INTERNAL_PREFIX);
    }
    if (!reserved && internal) {
      return invalid("Internal topic name '%s' must start with '%s'", name, INTERNAL_PREFIX);
    }
    return Optional.empty();
  }

  /** An existing topic whose name collides with {@code name} by '.' versus '_', if any. */
  public static Optional<String> collision(String name, Collection<String> existing) {
    String unified = unify(name);
    return existing.stream()
        .filter(other -> !other.equals(name) && unify(other).equals(unified))
        .findFirst();
  }

  private static String unify(String name) {
    return name.replace('.', '_');
  }

  private static boolean isLegal(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-';
  }

  private static Optional<ApiError> invalid(String format, Object... args) {
    return Optional.of(ApiError.of(ErrorCode.INVALID_TOPIC_EXCEPTION, format, args));
  }
}
