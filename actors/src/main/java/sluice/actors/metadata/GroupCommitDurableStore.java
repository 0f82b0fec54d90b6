package sluice.actors.metadata;

import akka.actor.AbstractActor;
import akka.actor.NoSerializationVerificationNeeded;
import akka.cluster.ddata.DurableStore;
import akka.cluster.ddata.GCounter;
import akka.serialization.SerializationExtension;
import akka.serialization.SerializerWithStringManifest;
import com.typesafe.config.Config;
import java.io.File;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lmdbjava.CursorIterator;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Distributed Data's durable store for Sluice's metadata: Akka's LMDB store, with group commit.
 *
 * <p>Why: Akka's {@code LmdbDurableStore} with write-behind off commits every write in its own LMDB
 * transaction, one fdatasync each. With one register per partition (issue 8), creating a topic of
 * 1,000 partitions or electing new leaders for a dead broker's 333 is that many writes, and took
 * seconds of fsyncs on every broker. Write-behind would batch them, but acknowledges a write before
 * it is on disk. Here every write that waits in the mailbox while a commit runs goes into the next
 * transaction: one fdatasync for all of them, and each is acknowledged only after its transaction
 * committed, as with write-behind off.
 *
 * <p>The files are Akka's: database {@code ddata} in {@code lmdb.dir}, key the UTF-8 key id, value
 * the {@code DurableDataEnvelope} serialized by Akka's replicator serializer, environment opened
 * with {@code MDB_NOLOCK} (this actor is the one user). A directory written by either store is read
 * by the other. {@code lmdb.write-behind-interval} is ignored: writes are always durable first.
 *
 * <p>Crash: a transaction commits whole or not at all (LMDB); writes of a failed commit are
 * answered with their failure message, so the replicator reports the write as failed.
 *
 * <p>Not thread-safe, and need not be: an actor, configured as {@code
 * akka.cluster.distributed-data.durable.store-actor-class}; Akka constructs it with the {@code
 * durable} config section.
 */
public final class GroupCommitDurableStore extends AbstractActor {

  /** Commit what has gathered. */
  private enum Commit implements NoSerializationVerificationNeeded {
    INSTANCE
  }

  private final Config config;
  private final SerializerWithStringManifest serializer;
  private final String manifest;
  private final File dir;

  /** Key to latest value, in arrival order, and the replies of the writes they carry. */
  private final Map<String, DurableStore.DurableDataEnvelope> pending = new LinkedHashMap<>();

  private final List<DurableStore.StoreReply> replies = new ArrayList<>();
  private boolean commitQueued;

  private Env<ByteBuffer> env;
  private Dbi<ByteBuffer> db;
  private ByteBuffer keyBuffer;
  private ByteBuffer valueBuffer;

  /** Akka's constructor: {@code config} is {@code akka.cluster.distributed-data.durable}. */
  public GroupCommitDurableStore(Config config) throws NotSerializableException {
    this.config = config;
    this.serializer =
        (SerializerWithStringManifest)
            SerializationExtension.get(getContext().getSystem())
                .serializerFor(DurableStore.DurableDataEnvelope.class);
    this.manifest = serializer.manifest(new DurableStore.DurableDataEnvelope(GCounter.empty()));
    this.dir = new File(config.getString("lmdb.dir"));
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .matchEquals(DurableStore.LoadAll$.MODULE$, message -> loadAll())
        .match(DurableStore.Store.class, this::onStore)
        .matchEquals(Commit.INSTANCE, message -> commit())
        .build();
  }

  private void loadAll() {
    String[] files = dir.list();
    if (files != null && files.length > 0) {
      open();
      Map<String, DurableStore.DurableDataEnvelope> loaded = new HashMap<>();
      try (Txn<ByteBuffer> txn = env.txnRead();
          CursorIterator<ByteBuffer> entries = db.iterate(txn)) {
        for (CursorIterator.KeyVal<ByteBuffer> entry : entries.iterable()) {
          byte[] key = new byte[entry.key().remaining()];
          entry.key().get(key);
          byte[] value = new byte[entry.val().remaining()];
          entry.val().get(value);
          loaded.put(
              new String(key, StandardCharsets.UTF_8),
              (DurableStore.DurableDataEnvelope) serializer.fromBinary(value, manifest));
        }
      } catch (RuntimeException | NotSerializableException e) {
        throw new DurableStore.LoadFailed("failed to load durable distributed-data", e);
      }
      if (!loaded.isEmpty()) {
        getSender()
            .tell(
                new DurableStore.LoadData(
                    scala.collection.immutable.Map$.MODULE$.from(asScala(loaded))),
                getSelf());
      }
    }
    getSender().tell(DurableStore.LoadAllCompleted$.MODULE$, getSelf());
  }

  private static <K, V> scala.collection.Iterable<scala.Tuple2<K, V>> asScala(Map<K, V> map) {
    return CollectionConverters.asScala(map);
  }

  private void onStore(DurableStore.Store store) {
    pending.remove(store.key());
    pending.put(store.key(), store.data());
    if (store.reply().isDefined()) {
      replies.add(store.reply().get());
    }
    if (!commitQueued) {
      commitQueued = true;
      getSelf().tell(Commit.INSTANCE, getSelf());
    }
  }

  private void commit() {
    commitQueued = false;
    if (pending.isEmpty()) {
      return;
    }
    boolean committed = false;
    try {
      open();
      try (Txn<ByteBuffer> txn = env.txnWrite()) {
        for (var entry : pending.entrySet()) {
          put(txn, entry.getKey(), serializer.toBinary(entry.getValue()));
        }
        txn.commit();
        committed = true;
      }
    } catch (RuntimeException e) {
      getContext()
          .getSystem()
          .log()
          .error(e, "Failed to store durable metadata keys {}", pending.keySet());
    }
    for (DurableStore.StoreReply reply : replies) {
      reply.replyTo().tell(committed ? reply.successMsg() : reply.failureMsg(), getSelf());
    }
    pending.clear();
    replies.clear();
  }

  private void put(Txn<ByteBuffer> txn, String key, byte[] value) {
    if (valueBuffer.capacity() < value.length) {
      valueBuffer = ByteBuffer.allocateDirect(value.length * 2);
    }
    keyBuffer.clear();
    keyBuffer.put(key.getBytes(StandardCharsets.UTF_8)).flip();
    valueBuffer.clear();
    valueBuffer.put(value).flip();
    db.put(txn, keyBuffer, valueBuffer);
  }

  private void open() {
    if (env != null) {
      return;
    }
    dir.mkdirs();
    env =
        Env.create()
            .setMapSize(config.getBytes("lmdb.map-size"))
            .setMaxDbs(1)
            .open(dir, EnvFlags.MDB_NOLOCK);
    db = env.openDbi("ddata", DbiFlags.MDB_CREATE);
    keyBuffer = ByteBuffer.allocateDirect(env.getMaxKeySize());
    valueBuffer = ByteBuffer.allocateDirect(100 * 1024);
    getContext().getSystem().log().info("Using durable data in LMDB directory [{}]", dir);
  }

  @Override
  public void postStop() {
    commit();
    if (env != null) {
      db.close();
      env.close();
    }
  }
}
