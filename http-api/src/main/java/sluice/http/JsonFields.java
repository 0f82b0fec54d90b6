package sluice.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.Iterator;
import java.util.Set;

/**
 * Reading fields of a request's JSON with errors that name the field, the value and what is allowed
 * (400). Field names in messages are paths such as {@code records[2].value.data}.
 */
final class JsonFields {
  private JsonFields() {}

  static void requireObject(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw RestException.badRequest("%s must be a JSON object, not %s.", path, describe(node));
    }
  }

  static void onlyFields(JsonNode node, String path, Set<String> allowed) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw RestException.badRequest(
            "%s has an unknown field '%s'; allowed fields are %s.",
            path, Params.abbreviate(name), String.join(", ", allowed.stream().sorted().toList()));
      }
    }
  }

  static boolean absentOrNull(JsonNode node) {
    return node == null || node.isNull();
  }

  static String string(JsonNode node, String path) {
    if (node == null || !node.isTextual()) {
      throw RestException.badRequest("%s must be a string, not %s.", path, describe(node));
    }
    return node.textValue();
  }

  /** An int in [min, max]. */
  static int intInRange(JsonNode node, String path, int min, int max) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw RestException.badRequest(
          "%s must be an integer from %d to %d, not %s.", path, min, max, describe(node));
    }
    long value = node.longValue();
    if (value < min || value > max) {
      throw RestException.badRequest(
          "%s must be an integer from %d to %d, not %d.", path, min, max, value);
    }
    return (int) value;
  }

  /** A long in [min, max]. */
  static long longInRange(JsonNode node, String path, long min, long max) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw RestException.badRequest(
          "%s must be an integer from %d to %d, not %s.", path, min, max, describe(node));
    }
    long value = node.longValue();
    if (value < min || value > max) {
      throw RestException.badRequest(
          "%s must be an integer from %d to %d, not %d.", path, min, max, value);
    }
    return value;
  }

  static byte[] base64(JsonNode node, String path) {
    String text = string(node, path);
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw RestException.badRequest(
          "%s is not valid base64 ('%s'): %s.", path, Params.abbreviate(text), e.getMessage());
    }
  }

  /** A short description of a JSON value for an error message: its type and the value itself. */
  static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "missing";
    }
    String kind =
        switch (node.getNodeType()) {
          case ARRAY -> "an array";
          case OBJECT -> "an object";
          case STRING -> "the string";
          case NUMBER -> "the number";
          case BOOLEAN -> "the boolean";
          case NULL -> "null";
          default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    return switch (node.getNodeType()) {
      case STRING -> kind + " '" + Params.abbreviate(node.textValue()) + "'";
      case NUMBER, BOOLEAN -> kind + " " + node.asText();
      case ARRAY, OBJECT -> kind + " " + Params.abbreviate(node.toString());
      default -> kind;
    };
  }
}
