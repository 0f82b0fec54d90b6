package sluice.actors.journal;

import akka.actor.typed.javadsl.Adapter;
import akka.dispatch.Futures;
import akka.persistence.SelectedSnapshot;
import akka.persistence.SnapshotMetadata;
import akka.persistence.SnapshotSelectionCriteria;
import akka.persistence.snapshot.japi.SnapshotStore;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Future;
import sluice.storage.log.BatchCursor;
import sluice.storage.log.PartitionLog;

/**
 * The akka-persistence snapshot store of partition leaders: snapshots live beside the segments, in
 * {@code <data-dir>/<topic>-<partition>/snapshots/}, one file per snapshot named {@code
 * snapshot-<sequenceNr, 20 digits>-<timestamp ms, 20 digits>.snap}.
 *
 * <p>File format, big-endian:
 *
 * <pre>
 *   offset  size  field
 *   0       4     magic 0x534c534e ("SLSN")
 *   4       1     format version (1)
 *   5       4     akka serializer id of the snapshot
 *   9       2     manifest length m, then m bytes of UTF-8 manifest
 *   11+m    4     payload length p, then p bytes of payload
 *   15+m+p  4     CRC32C of every byte before it
 * </pre>
 *
 * <p>A snapshot is written to a {@code .tmp} file and renamed into place atomically; the save is
 * then acknowledged, and the file and the directory are forced to disk afterwards on the store's
 * own sync thread ({@code sluice-snapshot-sync}). Akka holds the leader's commands until the save
 * is acknowledged, so an fsync there stalled every partition's appends once per {@code
 * sluice.partition.snapshot-every} batches; Kafka likewise flushes its producer-state snapshots in
 * the background. A snapshot only shortens recovery (the log is the truth): one torn or lost in an
 * OS crash before its sync fails its CRC or length check and is skipped, and recovery uses an older
 * snapshot or replays batch headers from the log's start. Stray {@code .tmp} files are ignored and
 * removed by the next save.
 *
 * <p>A snapshot above the log's last batch sequence (the log lost its tail in a crash, or was
 * truncated) describes batches that are gone: loading ignores and deletes it, so recovery falls
 * back to an older snapshot and the journal's replay. So does a {@link LogEndSnapshot} whose log
 * end offset is not where the log's batch of its sequence number ends (the numbering started over:
 * a log restarted empty, or a lost {@code partition.checkpoint}).
 *
 * <p>A snapshot is saved only while the partition's log is open in {@link Logs}, so a save that
 * races the partition's deletion cannot recreate its directory.
 *
 * <p>Threading: every call runs to completion on the snapshot store actor; only the fsync of a
 * saved snapshot runs on the sync thread, which stops with the actor.
 */
public final class SegmentSnapshotStore extends SnapshotStore {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentSnapshotStore.class);

  private static final int MAGIC = 0x534c534e;
  private static final byte VERSION = 1;
  private static final int MAGIC_OFFSET = 0;
  private static final int VERSION_OFFSET = MAGIC_OFFSET + Integer.BYTES;
  private static final int SERIALIZER_ID_OFFSET = VERSION_OFFSET + Byte.BYTES;
  private static final int MANIFEST_LENGTH_OFFSET = SERIALIZER_ID_OFFSET + Integer.BYTES;
  private static final int MANIFEST_OFFSET = MANIFEST_LENGTH_OFFSET + Short.BYTES;
  private static final int FIXED_OVERHEAD = MANIFEST_OFFSET + Integer.BYTES + Integer.BYTES;

  private static final Pattern FILE_NAME = Pattern.compile("snapshot-(\\d{20})-(\\d{20})\\.snap");
  private static final String TMP_SUFFIX = ".tmp";

  /** The snapshot directory's name inside the partition directory. */
  static final String DIRECTORY = "snapshots";

  private final Logs logs;
  private final Serialization serialization;
  private final ExecutorService syncer =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "sluice-snapshot-sync");
            thread.setDaemon(true);
            return thread;
          });

  public SegmentSnapshotStore() {
    this.logs = Logs.get(Adapter.toTyped(context().system()));
    this.serialization = SerializationExtension.get(context().system());
  }

  @Override
  public void postStop() {
    syncer.shutdown();
  }

  /** One snapshot file on disk. */
  private record SnapshotFile(Path path, long sequenceNr, long timestamp) {
    SnapshotMetadata metadata(String persistenceId) {
      return SnapshotMetadata.apply(persistenceId, sequenceNr, timestamp);
    }
  }

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(
      String persistenceId, SnapshotSelectionCriteria criteria) {
    try {
      Optional<PartitionLog> log = logs.find(persistenceId);
      long lastSequence = log.map(PartitionLog::lastSequence).orElse(-1L);
      List<SnapshotFile> files = list(persistenceId);
      if (lastSequence >= 0) {
        for (SnapshotFile file : files) {
          if (file.sequenceNr() > lastSequence) {
            LOG.warn(
                "Deleting snapshot {}: it is beyond the log's last batch sequence {}",
                file.path(),
                lastSequence);
            Files.deleteIfExists(file.path());
          }
        }
      }
      for (SnapshotFile file : files) {
        if (lastSequence >= 0 && file.sequenceNr() > lastSequence) {
          continue;
        }
        SnapshotMetadata metadata = file.metadata(persistenceId);
        if (!criteria.matches(metadata)) {
          continue;
        }
        Object snapshot;
        try {
          snapshot = read(file);
        } catch (IOException | RuntimeException e) {
          LOG.warn("Skipping unreadable snapshot {}: {}", file.path(), e.toString());
          continue;
        }
        OptionalLong logEnd =
            log.isPresent() ? logEndAt(log.get(), file.sequenceNr()) : OptionalLong.empty();
        if (snapshot instanceof LogEndSnapshot stated
            && logEnd.isPresent()
            && stated.logEndOffset() != logEnd.getAsLong()) {
          LOG.warn(
              "Deleting snapshot {}: taken at log end offset {}, but the log's batch {} ends"
                  + " before offset {}",
              file.path(),
              stated.logEndOffset(),
              file.sequenceNr(),
              logEnd.getAsLong());
          Files.deleteIfExists(file.path());
          continue;
        }
        return Futures.successful(Optional.of(SelectedSnapshot.create(metadata, snapshot)));
      }
      return Futures.successful(Optional.empty());
    } catch (IOException | RuntimeException e) {
      return Futures.failed(e);
    }
  }

  /**
   * The offset right after the batch with sequence number {@code sequence}, if the log still has
   * that batch (retention may have deleted it; then nothing can be checked).
   */
  private static OptionalLong logEndAt(PartitionLog log, long sequence) {
    if (sequence < 1) {
      return OptionalLong.empty();
    }
    BatchCursor batches = log.batchHeadersFrom(sequence);
    return batches.next() && batches.sequence() == sequence
        ? OptionalLong.of(batches.header().nextOffset())
        : OptionalLong.empty();
  }

  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
    try {
      if (logs.find(metadata.persistenceId()).isEmpty()) {
        // Deleted meanwhile: writing now would recreate the partition directory.
        throw new IllegalStateException(
            "Not saving the snapshot of "
                + metadata.persistenceId()
                + " at sequence number "
                + metadata.sequenceNr()
                + ": its log is not open");
      }
      Path dir = snapshotDir(metadata.persistenceId());
      Files.createDirectories(dir);
      Path target =
          dir.resolve(
              String.format(
                  "snapshot-%020d-%020d.snap", metadata.sequenceNr(), metadata.timestamp()));
      Path tmp = dir.resolve(target.getFileName() + TMP_SUFFIX);
      try (FileChannel channel =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer bytes = encode(snapshot);
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      removeStrayTmpFiles(dir);
      syncer.execute(() -> sync(target));
      return Futures.successful(null);
    } catch (IOException | RuntimeException e) {
      // A snapshot is only a shortcut for recovery (the log has everything), so the leader goes on
      // without it; but a disk that cannot take a snapshot cannot take appends either.
      logs.health().reportFailure("the snapshot of " + metadata.persistenceId(), e);
      return Futures.failed(e);
    }
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
    try {
      for (SnapshotFile file : list(metadata.persistenceId())) {
        if (file.sequenceNr() == metadata.sequenceNr()
            && (metadata.timestamp() == 0 || file.timestamp() == metadata.timestamp())) {
          Files.deleteIfExists(file.path());
        }
      }
      return Futures.successful(null);
    } catch (IOException | RuntimeException e) {
      return Futures.failed(e);
    }
  }

  @Override
  public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    try {
      for (SnapshotFile file : list(persistenceId)) {
        if (criteria.matches(file.metadata(persistenceId))) {
          Files.deleteIfExists(file.path());
        }
      }
      return Futures.successful(null);
    } catch (IOException | RuntimeException e) {
      return Futures.failed(e);
    }
  }

  private Path snapshotDir(String persistenceId) {
    return logs.partitionDir(persistenceId).resolve(DIRECTORY);
  }

  /** The snapshots of {@code persistenceId}, newest (highest sequence number, then time) first. */
  private List<SnapshotFile> list(String persistenceId) throws IOException {
    Path dir = snapshotDir(persistenceId);
    List<SnapshotFile> files = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "snapshot-*.snap")) {
      for (Path path : stream) {
        Matcher matcher = FILE_NAME.matcher(path.getFileName().toString());
        if (matcher.matches()) {
          files.add(
              new SnapshotFile(
                  path, Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))));
        }
      }
    } catch (NoSuchFileException e) {
      return files;
    }
    files.sort(
        Comparator.comparingLong(SnapshotFile::sequenceNr)
            .thenComparingLong(SnapshotFile::timestamp)
            .reversed());
    return files;
  }

  private ByteBuffer encode(Object snapshot) {
    Serializer serializer = serialization.findSerializerFor(snapshot);
    byte[] manifest =
        Serializers.manifestFor(serializer, snapshot).getBytes(StandardCharsets.UTF_8);
    byte[] payload = serializer.toBinary(snapshot);
    if (manifest.length > Short.MAX_VALUE) {
      throw new IllegalArgumentException(
          "Snapshot manifest of " + manifest.length + " bytes exceeds " + Short.MAX_VALUE);
    }
    ByteBuffer buffer = ByteBuffer.allocate(FIXED_OVERHEAD + manifest.length + payload.length);
    buffer.putInt(MAGIC).put(VERSION).putInt(serializer.identifier());
    buffer.putShort((short) manifest.length).put(manifest);
    buffer.putInt(payload.length).put(payload);
    CRC32C crc = new CRC32C();
    crc.update(buffer.array(), 0, buffer.position());
    buffer.putInt((int) crc.getValue());
    return buffer.flip();
  }

  private Object read(SnapshotFile file) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file.path()));
    if (buffer.remaining() < FIXED_OVERHEAD) {
      throw corrupt(file, "is " + buffer.remaining() + " bytes, shorter than any snapshot");
    }
    int crcPosition = buffer.limit() - Integer.BYTES;
    CRC32C crc = new CRC32C();
    crc.update(buffer.array(), 0, crcPosition);
    if ((int) crc.getValue() != buffer.getInt(crcPosition)) {
      throw corrupt(file, "has a CRC32C mismatch");
    }
    if (buffer.getInt(MAGIC_OFFSET) != MAGIC || buffer.get(VERSION_OFFSET) != VERSION) {
      throw corrupt(file, "has an unknown magic number or version");
    }
    int serializerId = buffer.getInt(SERIALIZER_ID_OFFSET);
    int manifestLength = buffer.getShort(MANIFEST_LENGTH_OFFSET);
    int payloadLengthOffset = MANIFEST_OFFSET + manifestLength;
    if (manifestLength < 0 || payloadLengthOffset + Integer.BYTES > crcPosition) {
      throw corrupt(file, "has a manifest length of " + manifestLength);
    }
    String manifest =
        new String(buffer.array(), MANIFEST_OFFSET, manifestLength, StandardCharsets.UTF_8);
    int payloadLength = buffer.getInt(payloadLengthOffset);
    int payloadOffset = payloadLengthOffset + Integer.BYTES;
    if (payloadLength < 0 || payloadOffset + payloadLength != crcPosition) {
      throw corrupt(file, "has a payload length of " + payloadLength);
    }
    byte[] payload = new byte[payloadLength];
    buffer.get(payloadOffset, payload);
    return serialization.deserialize(payload, serializerId, manifest).get();
  }

  private static IOException corrupt(SnapshotFile file, String reason) {
    return new IOException("Snapshot " + file.path() + " " + reason);
  }

  /**
   * Forces a saved snapshot and its directory entry to disk; runs on the sync thread. A snapshot
   * deleted meanwhile (an older one, or the partition) needs no sync; a failed sync is logged, as
   * the snapshot only shortens recovery.
   */
  private static void sync(Path snapshot) {
    try {
      force(snapshot);
      force(snapshot.getParent());
    } catch (NoSuchFileException e) {
      // Deleted before it was synced: nothing left to make durable.
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not force snapshot {} to disk: {}", snapshot, e.toString());
    }
  }

  private static void force(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void removeStrayTmpFiles(Path dir) throws IOException {
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + TMP_SUFFIX)) {
      for (Path path : stream) {
        Files.deleteIfExists(path);
      }
    }
  }
}
