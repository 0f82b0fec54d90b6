package sluice.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * The body of Sluice's {@code POST /v3/clusters/{cluster_id}/producers}: empty or {@code {}} for a
 * new producer id, or {@code {"producer_id": N, "producer_epoch": E}}, the producer's current id
 * and epoch, for the epoch bump (KIP-360). Both or neither; {@code producer_id} 0 to {@link
 * Long#MAX_VALUE}, {@code producer_epoch} 0 to {@link Short#MAX_VALUE}. Whether the id was ever
 * allocated is the broker's check (400 / 40002).
 *
 * @param producerId null for a new producer
 * @param producerEpoch null for a new producer
 */
record InitProducerRequest(Long producerId, Short producerEpoch) {
  private static final Set<String> FIELDS = Set.of("producer_id", "producer_epoch");

  /** A new producer: no current id and epoch. */
  static final InitProducerRequest NEW = new InitProducerRequest(null, null);

  /** The body; {@code null} (an empty body) asks for a new producer. */
  static InitProducerRequest parse(JsonNode body) {
    if (body == null || body.isMissingNode()) {
      return NEW;
    }
    String path = "The request body";
    JsonFields.requireObject(body, path);
    JsonFields.onlyFields(body, path, FIELDS);
    JsonNode id = body.get("producer_id");
    JsonNode epoch = body.get("producer_epoch");
    boolean noId = JsonFields.absentOrNull(id);
    boolean noEpoch = JsonFields.absentOrNull(epoch);
    if (noId && noEpoch) {
      return NEW;
    }
    if (noId || noEpoch) {
      throw RestException.badRequest(
          "producer_id and producer_epoch go together: send both, the producer's current id and"
              + " epoch, to bump its epoch, or neither for a new producer id (got only %s).",
          noId ? "producer_epoch" : "producer_id");
    }
    return new InitProducerRequest(
        JsonFields.longInRange(id, "producer_id", 0, Long.MAX_VALUE),
        (short) JsonFields.intInRange(epoch, "producer_epoch", 0, Short.MAX_VALUE));
  }
}
