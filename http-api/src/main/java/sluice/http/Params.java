package sluice.http;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import sluice.actors.api.Acks;

/**
 * Path and query parameters, checked. Each parser throws a 400 {@link RestException} naming the
 * parameter, the value given and what is allowed.
 */
final class Params {
  private Params() {}

  static int partition(String text) {
    try {
      int partition = Integer.parseInt(text);
      if (partition >= 0) {
        return partition;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw RestException.badRequest(
        "Partition must be a non-negative integer, not '%s'.", abbreviate(text));
  }

  static Acks acks(Optional<String> text, Acks defaultAcks) {
    if (text.isEmpty()) {
      return defaultAcks;
    }
    try {
      return Acks.parse(text.get());
    } catch (IllegalArgumentException e) {
      throw RestException.badRequest("Query parameter %s.", e.getMessage());
    }
  }

  /** An int in [min, max], or the default when absent. */
  static int intInRange(String name, Optional<String> text, int min, int max, int defaultValue) {
    if (text.isEmpty()) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(text.get());
      if (value >= min && value <= max) {
        return (int) value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw RestException.badRequest(
        "Query parameter %s must be an integer from %d to %d, not '%s'.",
        name, min, max, abbreviate(text.get()));
  }

  /** A wait in milliseconds in [0, max], or the default when absent. */
  static Duration millis(String name, Optional<String> text, Duration max, Duration defaultValue) {
    if (text.isEmpty()) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(text.get());
      if (value >= 0 && value <= max.toMillis()) {
        return Duration.ofMillis(value);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw RestException.badRequest(
        "Query parameter %s must be a number of milliseconds from 0 to %d, not '%s'.",
        name, max.toMillis(), abbreviate(text.get()));
  }

  /** A start time: epoch milliseconds or an ISO-8601 date-time with an offset, not before 1970. */
  static long timestamp(String name, String text) {
    Long millis = parseTimestamp(text);
    if (millis == null) {
      throw RestException.badRequest(
          "Query parameter %s must be epoch milliseconds or an ISO-8601 date-time such as"
              + " 2021-02-05T19:14:42Z, not '%s'.",
          name, abbreviate(text));
    }
    return millis;
  }

  /** Epoch milliseconds from digits or an ISO-8601 date-time, or null if it is neither or < 0. */
  static Long parseTimestamp(String text) {
    try {
      long millis =
          !text.isEmpty() && text.chars().allMatch(Character::isDigit)
              ? Long.parseLong(text)
              : OffsetDateTime.parse(text).toInstant().toEpochMilli();
      return millis >= 0 ? millis : null;
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  /** Shortens a value quoted in an error message, so a huge input cannot bloat the answer. */
  static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 61) + "...";
  }
}
