package sluice.storage.producer;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * An immutable map from {@code long} keys to values whose updates share structure with the map they
 * came from (a hash array mapped trie): {@link #with} and {@link #without} copy only the path to
 * the key, at most 13 arrays of at most 32 slots, so a partition's producer state can be a new
 * value after every batch, as an event-sourced state must be, at a cost that does not grow with the
 * number of producers.
 *
 * <p>Keys are spread by a bijective mix of all 64 bits, so two keys never share a full path: there
 * are no collisions to handle. Each level uses 5 bits (the last, 4). Nulls are not values.
 *
 * @param <V> the values
 */
final class PersistentLongMap<V> {
  private static final int BITS = 5;
  private static final int MASK = (1 << BITS) - 1;
  private static final PersistentLongMap<?> EMPTY = new PersistentLongMap<>(null, 0);

  /** A key and its value. */
  private record Leaf(long key, Object value) {}

  /**
   * The occupied slots of one level: bit i of {@code bitmap} set when slot i is in {@code slots}.
   */
  private record Node(int bitmap, Object[] slots) {
    int indexOf(int bit) {
      return Integer.bitCount(bitmap & (bit - 1));
    }
  }

  private final Node root;
  private final int size;

  private PersistentLongMap(Node root, int size) {
    this.root = root;
    this.size = size;
  }

  @SuppressWarnings("unchecked")
  static <V> PersistentLongMap<V> empty() {
    return (PersistentLongMap<V>) EMPTY;
  }

  int size() {
    return size;
  }

  /** The value of {@code key}, or null. */
  @SuppressWarnings("unchecked")
  V get(long key) {
    long hash = mix(key);
    Node node = root;
    int shift = 0;
    while (node != null) {
      int bit = 1 << chunk(hash, shift);
      if ((node.bitmap & bit) == 0) {
        return null;
      }
      Object slot = node.slots[node.indexOf(bit)];
      if (slot instanceof Leaf leaf) {
        return leaf.key == key ? (V) leaf.value : null;
      }
      node = (Node) slot;
      shift += BITS;
    }
    return null;
  }

  /** This map with {@code key} bound to {@code value}. */
  PersistentLongMap<V> with(long key, V value) {
    if (value == null) {
      throw new IllegalArgumentException("No null values");
    }
    boolean[] added = new boolean[1];
    Node newRoot =
        put(root == null ? new Node(0, new Object[0]) : root, 0, key, mix(key), value, added);
    return new PersistentLongMap<>(newRoot, size + (added[0] ? 1 : 0));
  }

  /** This map without {@code key}; this map itself if it has no such key. */
  PersistentLongMap<V> without(long key) {
    if (root == null || get(key) == null) {
      return this;
    }
    Object newRoot = remove(root, 0, key, mix(key));
    if (newRoot instanceof Leaf leaf) {
      newRoot = new Node(1 << chunk(mix(leaf.key), 0), new Object[] {leaf});
    }
    return size == 1 ? empty() : new PersistentLongMap<>((Node) newRoot, size - 1);
  }

  /** Calls {@code action} with every key and value, in no particular order. */
  @SuppressWarnings("unchecked")
  void forEach(BiConsumer<Long, V> action) {
    if (root != null) {
      visit(root, (BiConsumer<Long, Object>) (BiConsumer<?, ?>) action);
    }
  }

  private static void visit(Node node, BiConsumer<Long, Object> action) {
    for (Object slot : node.slots) {
      if (slot instanceof Leaf leaf) {
        action.accept(leaf.key, leaf.value);
      } else {
        visit((Node) slot, action);
      }
    }
  }

  private static Node put(
      Node node, int shift, long key, long hash, Object value, boolean[] added) {
    int bit = 1 << chunk(hash, shift);
    int index = node.indexOf(bit);
    if ((node.bitmap & bit) == 0) {
      Object[] slots = new Object[node.slots.length + 1];
      System.arraycopy(node.slots, 0, slots, 0, index);
      slots[index] = new Leaf(key, value);
      System.arraycopy(node.slots, index, slots, index + 1, node.slots.length - index);
      added[0] = true;
      return new Node(node.bitmap | bit, slots);
    }
    Object slot = node.slots[index];
    Object replacement;
    if (slot instanceof Leaf leaf) {
      if (leaf.key == key) {
        replacement = new Leaf(key, value);
      } else {
        replacement = split(leaf, shift + BITS, key, hash, value);
        added[0] = true;
      }
    } else {
      replacement = put((Node) slot, shift + BITS, key, hash, value, added);
    }
    Object[] slots = Arrays.copyOf(node.slots, node.slots.length);
    slots[index] = replacement;
    return new Node(node.bitmap, slots);
  }

  /**
   * A node holding {@code existing} and the new key, which differ somewhere below {@code shift}.
   */
  private static Node split(Leaf existing, int shift, long key, long hash, Object value) {
    int existingChunk = chunk(mix(existing.key), shift);
    int newChunk = chunk(hash, shift);
    if (existingChunk == newChunk) {
      return new Node(
          1 << newChunk, new Object[] {split(existing, shift + BITS, key, hash, value)});
    }
    Leaf added = new Leaf(key, value);
    Object[] slots =
        existingChunk < newChunk ? new Object[] {existing, added} : new Object[] {added, existing};
    return new Node((1 << existingChunk) | (1 << newChunk), slots);
  }

  /** {@code node} without the key: a smaller node, a lone leaf to pull up, or null if empty. */
  private static Object remove(Node node, int shift, long key, long hash) {
    int bit = 1 << chunk(hash, shift);
    int index = node.indexOf(bit);
    Object slot = node.slots[index];
    Object replacement = slot instanceof Leaf ? null : remove((Node) slot, shift + BITS, key, hash);
    if (replacement == null) {
      if (node.slots.length == 1) {
        return null;
      }
      Object[] slots = new Object[node.slots.length - 1];
      System.arraycopy(node.slots, 0, slots, 0, index);
      System.arraycopy(node.slots, index + 1, slots, index, slots.length - index);
      if (slots.length == 1 && slots[0] instanceof Leaf lone) {
        return lone;
      }
      return new Node(node.bitmap & ~bit, slots);
    }
    if (node.slots.length == 1 && replacement instanceof Leaf lone) {
      return lone;
    }
    Object[] slots = Arrays.copyOf(node.slots, node.slots.length);
    slots[index] = replacement;
    return new Node(node.bitmap, slots);
  }

  private static int chunk(long hash, int shift) {
    return (int) ((hash >>> shift) & MASK);
  }

  /** MurmurHash3's 64-bit finalizer: a bijection, so distinct keys have distinct hashes. */
  private static long mix(long key) {
    long h = key;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
