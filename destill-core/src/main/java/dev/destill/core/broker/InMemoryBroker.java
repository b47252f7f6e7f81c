package dev.destill.core.broker;

import dev.destill.core.DestillException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Broker} in memory with Kafka's semantics: a topic has a fixed number of partitions, a
 * key always goes to the same partition, each consumer group sees every message, and a group's
 * partitions are spread over its open subscriptions (round-robin in join order, re-spread when one
 * joins or closes). A partition that changes hands is delivered again from the group's last
 * committed offset: at-least-once.
 *
 * <p>A topic keeps its messages until every group that has subscribed to it committed past them.
 * {@link #publish} blocks while a topic holds {@code capacity} such messages (or, before any group
 * subscribed, {@code capacity} messages at all), so a slow consumer slows its producers down.
 *
 * <p>Thread-safe. Each {@link Subscription} is used by one thread at a time.
 */
public final class InMemoryBroker implements Broker {
  /** The most messages one {@link Subscription#poll} returns. */
  public static final int MAX_POLL_RECORDS = 100;

  private static final int DEFAULT_PARTITIONS = 4;
  private static final int DEFAULT_CAPACITY = 64;

  private final int partitions;
  private final int capacity;
  private final Map<String, Integer> capacityByTopic;
  // One lock and one condition for all state: publishers wait for commits, pollers for publishes,
  // everyone for close. Contention is low (local mode runs a handful of threads).
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, Topic> topics = new HashMap<>();
  private boolean closed;

  /** A broker with 4 partitions per topic and room for 64 uncommitted messages per topic. */
  public InMemoryBroker() {
    this(DEFAULT_PARTITIONS, DEFAULT_CAPACITY);
  }

  /**
   * @param partitions partitions per topic, at least 1
   * @param capacity uncommitted messages a topic holds before {@link #publish} blocks, at least 1
   */
  public InMemoryBroker(int partitions, int capacity) {
    this(partitions, capacity, Map.of());
  }

  /**
   * A broker whose topics hold different numbers of uncommitted messages: few large log chunks,
   * many small findings.
   *
   * @param capacityByTopic the capacity of the topics named, at least 1 each; others have {@code
   *     capacity}
   */
  public InMemoryBroker(int partitions, int capacity, Map<String, Integer> capacityByTopic) {
    this.capacityByTopic = Map.copyOf(capacityByTopic);
    if (this.capacityByTopic.values().stream().anyMatch(c -> c < 1)) {
      throw new IllegalArgumentException("every capacity must be at least 1");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.partitions = partitions;
    this.capacity = capacity;
  }

  /** The partition {@code key} goes to, in {@code [0, partitions)}. */
  static int partitionOf(String key, int partitions) {
    return (key.hashCode() & Integer.MAX_VALUE) % partitions;
  }

  /**
   * {@inheritDoc}
   *
   * @throws DestillException when the broker is closed, also while waiting for room
   */
  @Override
  public void publish(String topic, String key, byte[] value) {
    append(topic, key, Objects.requireNonNull(value, "value").clone());
  }

  /**
   * Keeps {@code value} itself, not its bytes: consumers get the object back ({@link
   * Message#carried}) and nothing is encoded unless one asks for {@link Message#value}.
   *
   * @throws DestillException when the broker is closed, also while waiting for room
   */
  @Override
  public void publish(String topic, String key, Encodable value) {
    append(topic, key, Objects.requireNonNull(value, "value"));
  }

  /** Appends {@code value}, a byte array (a copy) or an {@link Encodable}. */
  private void append(String topic, String key, Object copy) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(key, "key");
    lock.lock();
    try {
      Topic t = topic(topic);
      int room = capacityByTopic.getOrDefault(topic, capacity);
      while (!closed && t.retained() >= room) {
        try {
          changed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new DestillException("interrupted while waiting for room on topic " + topic, e);
        }
      }
      ensureOpen();
      t.partitions[partitionOf(key, partitions)].append(key, copy);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Nothing to do: a published message is visible to consumers at once. */
  @Override
  public void flush(Duration timeout) {}

  @Override
  public Subscription subscribe(String topic, String group, int maxPoll) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(group, "group");
    if (maxPoll < 1) {
      throw new IllegalArgumentException("maxPoll must be at least 1, got " + maxPoll);
    }
    lock.lock();
    try {
      ensureOpen();
      Group g = topic(topic).groups.computeIfAbsent(group, name -> new Group());
      MemorySubscription s = new MemorySubscription(topic, g, Math.min(maxPoll, MAX_POLL_RECORDS));
      g.members.add(s);
      g.rebalance();
      changed.signalAll();
      return s;
    } finally {
      lock.unlock();
    }
  }

  /**
   * How many messages of {@code topic} some group has not committed yet (before any group
   * subscribed: all of them). Zero on every topic of a pipeline means no agent holds or awaits
   * work.
   */
  public int uncommitted(String topic) {
    lock.lock();
    try {
      Topic t = topics.get(topic);
      return t == null ? 0 : t.retained();
    } finally {
      lock.unlock();
    }
  }

  /** Closes the broker: blocked and later publishes throw, polls return empty. Idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean reachable(Duration timeout) {
    lock.lock();
    try {
      return !closed;
    } finally {
      lock.unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new DestillException.Fatal("broker closed");
    }
  }

  private Topic topic(String name) {
    return topics.computeIfAbsent(name, n -> new Topic());
  }

  /** One topic's partitions and the groups that have subscribed to it. Guarded by {@link #lock}. */
  private final class Topic {
    final Partition[] partitions = new Partition[InMemoryBroker.this.partitions];
    final Map<String, Group> groups = new LinkedHashMap<>();

    Topic() {
      for (int p = 0; p < partitions.length; p++) {
        partitions[p] = new Partition();
      }
    }

    int retained() {
      int n = 0;
      for (Partition p : partitions) {
        n += p.messages.size();
      }
      return n;
    }

    /** Drops what every group has committed; before any group subscribed, keeps everything. */
    void trim() {
      if (groups.isEmpty()) {
        return;
      }
      for (int p = 0; p < partitions.length; p++) {
        long min = Long.MAX_VALUE;
        for (Group g : groups.values()) {
          min = Math.min(min, g.committed[p]);
        }
        partitions[p].dropBefore(min);
      }
    }
  }

  /** The retained messages of one partition, from offset {@code start}. */
  private static final class Partition {
    final ArrayDeque<Entry> messages = new ArrayDeque<>();
    long start;

    long end() {
      return start + messages.size();
    }

    void append(String key, Object value) {
      messages.addLast(new Entry(key, value));
    }

    void dropBefore(long offset) {
      while (start < offset && !messages.isEmpty()) {
        messages.removeFirst();
        start++;
      }
    }
  }

  /** A message held: its key, and its value as bytes or as the {@link Encodable} published. */
  private record Entry(String key, Object value) {
    Message at(String topic, int partition, long offset) {
      return value instanceof Encodable e
          ? new Message(topic, partition, offset, key, e)
          : new Message(topic, partition, offset, key, ((byte[]) value).clone());
    }
  }

  /** A consumer group on one topic: its committed offsets and who owns which partition. */
  private final class Group {
    final List<MemorySubscription> members = new ArrayList<>();
    final long[] committed = new long[partitions];
    final long[] position = new long[partitions];
    final MemorySubscription[] owner = new MemorySubscription[partitions];

    /** Round-robin in join order; a partition that changes hands restarts at its commit. */
    void rebalance() {
      for (int p = 0; p < partitions; p++) {
        MemorySubscription next = members.isEmpty() ? null : members.get(p % members.size());
        if (next != owner[p]) {
          owner[p] = next;
          position[p] = committed[p];
        }
      }
    }
  }

  private final class MemorySubscription implements Subscription {
    private final String topic;
    private final Group group;
    private final int maxPoll;
    private boolean open = true;
    private boolean paused;
    private int nextPartition;

    MemorySubscription(String topic, Group group, int maxPoll) {
      this.topic = topic;
      this.group = group;
      this.maxPoll = maxPoll;
    }

    @Override
    public List<Message> poll(Duration timeout) {
      long remaining = Math.max(0, timeout.toNanos());
      lock.lock();
      try {
        while (open && !closed) {
          List<Message> batch = paused ? List.of() : take();
          if (!batch.isEmpty() || remaining <= 0) {
            return batch;
          }
          try {
            remaining = changed.awaitNanos(remaining);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
          }
        }
        return List.of();
      } finally {
        lock.unlock();
      }
    }

    /** Up to {@link #maxPoll} from owned partitions, starting where the last one left. */
    private List<Message> take() {
      Partition[] parts = topics.get(topic).partitions;
      List<Message> batch = new ArrayList<>();
      for (int i = 0; i < partitions && batch.size() < maxPoll; i++) {
        int p = (nextPartition + i) % partitions;
        if (group.owner[p] != this) {
          continue;
        }
        Partition part = parts[p];
        long from = Math.max(group.position[p], part.start);
        Entry[] entries = part.messages.toArray(new Entry[0]);
        long offset = from;
        for (; offset < part.end() && batch.size() < maxPoll; offset++) {
          Entry e = entries[(int) (offset - part.start)];
          batch.add(e.at(topic, p, offset));
        }
        group.position[p] = offset;
      }
      nextPartition = (nextPartition + 1) % partitions;
      return batch;
    }

    @Override
    public void commit() {
      lock.lock();
      try {
        if (!open) {
          return;
        }
        for (int p = 0; p < partitions; p++) {
          if (group.owner[p] == this) {
            group.committed[p] = Math.max(group.committed[p], group.position[p]);
          }
        }
        topics.get(topic).trim();
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void pause() {
      lock.lock();
      try {
        paused = true;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void resume() {
      lock.lock();
      try {
        paused = false;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void commit(List<Message> processed) {
      lock.lock();
      try {
        if (!open) {
          return;
        }
        for (Message m : processed) {
          int p = m.partition();
          if (m.topic().equals(topic) && group.owner[p] == this) {
            group.committed[p] = Math.max(group.committed[p], m.offset() + 1);
          }
        }
        topics.get(topic).trim();
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public OptionalLong lag() {
      lock.lock();
      try {
        if (!open || closed) {
          return OptionalLong.empty();
        }
        Partition[] parts = topics.get(topic).partitions;
        long lag = 0;
        for (int p = 0; p < partitions; p++) {
          if (group.owner[p] == this) {
            lag += parts[p].end() - Math.max(group.position[p], parts[p].start);
          }
        }
        return OptionalLong.of(lag);
      } finally {
        lock.unlock();
      }
    }

    /** Leaves the group; what this subscription polled but did not commit goes to the others. */
    @Override
    public void close() {
      lock.lock();
      try {
        if (open) {
          open = false;
          group.members.remove(this);
          group.rebalance();
          changed.signalAll();
        }
      } finally {
        lock.unlock();
      }
    }
  }
}
