// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static io.sparkvae.job.BenchScaleCommand.r3;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Heap figures of one phase from the JVM's GC notifications, split at the end of the first round
 * (before: reading, shuffling and caching the data; after: training). The heap in use when a GC
 * starts is the high-water mark between collections; right after a young GC it is the live data
 * plus old-generation garbage not yet collected. The live set itself is measured once, by a full GC
 * after the timed epoch while the cache is still held.
 */
final class HeapWatch implements NotificationListener, AutoCloseable {
  private final Set<String> heapPools = new HashSet<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final long[] before = new long[2];
  private final long[] after = new long[2];
  private int phase;
  private long live = -1;
  private long gcs;
  private double gcSeconds;
  private final long gcCount0;
  private final long gcTime0;

  HeapWatch() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter) {
        ((NotificationEmitter) gc).addNotificationListener(this, null, null);
        emitters.add((NotificationEmitter) gc);
      }
    }
    long[] c = gcCounters();
    gcCount0 = c[0];
    gcTime0 = c[1];
  }

  private static long[] gcCounters() {
    long c = 0;
    long t = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      c += Math.max(0, gc.getCollectionCount());
      t += Math.max(0, gc.getCollectionTime());
    }
    return new long[] {c, t};
  }

  @Override
  public synchronized void handleNotification(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())
        || live >= 0) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    before[phase] = Math.max(before[phase], heapSum(info.getGcInfo().getMemoryUsageBeforeGc()));
    after[phase] = Math.max(after[phase], heapSum(info.getGcInfo().getMemoryUsageAfterGc()));
  }

  private long heapSum(Map<String, MemoryUsage> usage) {
    long s = 0;
    for (Map.Entry<String, MemoryUsage> e : usage.entrySet()) {
      if (heapPools.contains(e.getKey())) {
        s += e.getValue().getUsed();
      }
    }
    return s;
  }

  synchronized void endCachePhase() {
    phase = 1;
  }

  /** Stops the peak figures, then a full GC: what remains is the live set. */
  void measureLiveSet() {
    synchronized (this) {
      before[phase] = Math.max(before[phase], heapUsed());
      long[] c = gcCounters();
      gcs = c[0] - gcCount0;
      gcSeconds = (c[1] - gcTime0) / 1e3;
      live = 0; // from here on, notifications are ignored
    }
    System.gc();
    synchronized (this) {
      live = heapUsed();
    }
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Override
  public void close() {
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(this);
      } catch (javax.management.ListenerNotFoundException ignored) {
        // already gone
      }
    }
  }

  synchronized Map<String, Object> figures() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("heap_peak_bytes", Math.max(before[0], before[1]));
    m.put("heap_peak_bytes_caching", before[0]);
    m.put("heap_peak_bytes_training", before[1]);
    m.put("heap_after_gc_peak_bytes_caching", after[0]);
    m.put("heap_after_gc_peak_bytes_training", after[1]);
    m.put("heap_live_bytes", live);
    m.put("gc_count", gcs);
    m.put("gc_seconds", r3(gcSeconds));
    return m;
  }
}
