package sluice.http;

import akka.http.javadsl.model.Query;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import sluice.actors.api.IdempotentProduce;

/**
 * The query parameters that make a v3 produce request idempotent (a Sluice extension): {@code
 * producer_id} and {@code producer_epoch} as {@code POST /v3/clusters/{id}/producers} handed them
 * out, and {@code sequences=P:S[,P:S...]}, the sequence of the request's first record in each
 * partition P it writes. All three or none; each bad one is a 400 naming what is wrong, and nothing
 * is written.
 */
final class IdempotenceParams {
  private IdempotenceParams() {}

  /** The request's idempotence, or empty for a plain request. */
  static Optional<IdempotentProduce> from(Query query) {
    Optional<String> id = query.get("producer_id");
    Optional<String> epoch = query.get("producer_epoch");
    Optional<String> sequences = query.get("sequences");
    if (id.isEmpty() && epoch.isEmpty() && sequences.isEmpty()) {
      return Optional.empty();
    }
    if (id.isEmpty() || epoch.isEmpty() || sequences.isEmpty()) {
      throw RestException.badRequest(
          "An idempotent produce request carries producer_id, producer_epoch and sequences"
              + " together; this one lacks %s",
          id.isEmpty() ? "producer_id" : epoch.isEmpty() ? "producer_epoch" : "sequences");
    }
    long producerId = number("producer_id", id.get(), Long.MAX_VALUE);
    long producerEpoch = number("producer_epoch", epoch.get(), Short.MAX_VALUE);
    return Optional.of(
        new IdempotentProduce(producerId, (short) producerEpoch, sequences(sequences.get())));
  }

  private static Map<Integer, Integer> sequences(String text) {
    Map<Integer, Integer> sequences = new LinkedHashMap<>();
    for (String pair : text.split(",", -1)) {
      int colon = pair.indexOf(':');
      if (colon < 0) {
        throw RestException.badRequest(
            "sequences is a list of partition:sequence pairs such as 0:17,3:5; '%s' is not one",
            pair);
      }
      int partition =
          (int) number("the partition in sequences", pair.substring(0, colon), Integer.MAX_VALUE);
      int sequence =
          (int) number("the sequence in sequences", pair.substring(colon + 1), Integer.MAX_VALUE);
      if (sequences.put(partition, sequence) != null) {
        throw RestException.badRequest("sequences names partition %d twice", partition);
      }
    }
    return sequences;
  }

  private static long number(String name, String text, long max) {
    long value;
    try {
      value = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw RestException.badRequest("%s must be a whole number, not '%s'", name, text);
    }
    if (value < 0 || value > max) {
      throw RestException.badRequest("%s must be between 0 and %d, not %d", name, max, value);
    }
    return value;
  }
}
