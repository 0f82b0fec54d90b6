package sluice.bench.scale;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.CursorIterator;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;

/**
 * The size of every value in a broker's Distributed Data durable store: the LMDB environment in
 * {@code <data-dir>/metadata} ({@code akka.cluster.distributed-data.durable.lmdb.dir}), database
 * {@code ddata}, one entry per durable key ({@code sluice-topic-list}, each {@code
 * sluice-partition-<topicId>-<p>}, ...) holding that key's whole replicated value, serialized. Akka
 * rewrites a key's whole entry whenever its value changes, so the size of one {@code
 * sluice-partition-*} register is what one ISR change stores per broker before LMDB's own page
 * overhead (values above a page go to overflow pages, written whole). Read after the broker has
 * stopped: Akka opens the store with {@code MDB_NOLOCK}, so a concurrent reader is not safe.
 * Stateless; thread-safe.
 */
public final class DurableStoreSizes {

  private DurableStoreSizes() {}

  /** Value sizes by key, of the stopped broker whose data directory is {@code dataDir}. */
  public static Map<String, Long> read(Path dataDir) {
    Path dir = dataDir.resolve("metadata");
    Map<String, Long> sizes = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("no durable store at " + dir);
    }
    try (Env<byte[]> env =
        Env.create(ByteArrayProxy.PROXY_BA)
            .setMapSize(100L << 20)
            .setMaxDbs(1)
            .open(dir.toFile(), EnvFlags.MDB_NOLOCK)) {
      Dbi<byte[]> db = env.openDbi("ddata");
      try (Txn<byte[]> txn = env.txnRead();
          CursorIterator<byte[]> entries = db.iterate(txn)) {
        for (CursorIterator.KeyVal<byte[]> e : entries.iterable()) {
          sizes.put(new String(e.key(), StandardCharsets.UTF_8), (long) e.val().length);
        }
      }
    }
    return sizes;
  }
}
