package sluice.storage.record;

/**
 * The compression codec of a batch, stored in bits 0-2 of the batch attributes. The ids are
 * Kafka's, so batches compressed by Kafka producers decode here and vice versa.
 */
public enum CompressionType {
  NONE(0),
  GZIP(1),
  SNAPPY(2),
  LZ4(3),
  ZSTD(4);

  private final int id;

  CompressionType(int id) {
    this.id = id;
  }

  /** The codec id as stored in the attributes (0-4). */
  public int id() {
    return id;
  }

  /**
   * The codec with the given id.
   *
   * @throws IllegalArgumentException if the id is not 0 (none), 1 (gzip), 2 (snappy), 3 (lz4) or 4
   *     (zstd)
   */
  public static CompressionType forId(int id) {
    for (CompressionType type : values()) {
      if (type.id == id) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "Unknown compression type id "
            + id
            + "; allowed: 0 (none), 1 (gzip), 2 (snappy), 3 (lz4), 4 (zstd)");
  }
}
