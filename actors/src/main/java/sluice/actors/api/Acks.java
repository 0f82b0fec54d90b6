package sluice.actors.api;

/** How many replicas must have a record before the producer is answered, as Kafka's acks. */
public enum Acks {
  /** acks=0: answered as soon as the request is handed to the leader; nothing is reported back. */
  NONE,
  /** acks=1: answered once the leader has appended. */
  LEADER,
  /** acks=all (-1): answered once every in-sync replica has the record. */
  ALL;

  /** Parses Kafka's spellings: {@code 0}, {@code 1}, {@code all} or {@code -1}. */
  public static Acks parse(String text) {
    return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "0" -> NONE;
      case "1" -> LEADER;
      case "all", "-1" -> ALL;
      default ->
          throw new IllegalArgumentException("acks must be 0, 1, all or -1, not '" + text + "'");
    };
  }
}
