// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir java.nio.file.Path tmp;
  private FileSystem fs;
  private Path dir;

  @BeforeEach
  void setUp() throws IOException {
    fs = FileSystem.getLocal(new Configuration());
    dir = new Path(tmp.toUri());
  }

  @Test
  void writesAndReadsBackCreatingParents() throws IOException {
    Path target = new Path(dir, "a/b/model.json");
    AtomicFiles.writeAtomically(fs, target, "{\"v\": 1}".getBytes(UTF_8));
    assertEquals("{\"v\": 1}", read(target));
    assertEquals(Set.of("model.json"), listing(target.getParent()));
  }

  @Test
  void overwritesAnExistingFileAndLeavesNothingBeside() throws IOException {
    Path target = new Path(dir, "model.json");
    AtomicFiles.writeAtomically(fs, target, "old".getBytes(UTF_8));
    AtomicFiles.writeAtomically(fs, target, out -> out.write("new, and longer".getBytes(UTF_8)));
    assertEquals("new, and longer", read(target));
    assertEquals(Set.of("model.json"), listing(dir));
  }

  @Test
  void aFileWrittenDurablyInsideADirectoryReplacementReplacesALongerOneLeftThere()
      throws IOException {
    Path target = new Path(dir, "ckpt");
    AtomicFiles.replaceDirectoryAtomically(
        fs,
        target,
        tmp -> {
          Path f = new Path(tmp, "state.json");
          write(fs, f, "a longer leftover from a failed attempt");
          AtomicFiles.writeDurably(fs, f, "{\"epoch\": 3}".getBytes(UTF_8));
        });
    assertEquals("{\"epoch\": 3}", read(new Path(target, "state.json")));
    assertEquals(Set.of("ckpt"), listing(dir));
  }

  @Test
  void writerThatFailsMidWriteLeavesThePreviousFile() throws IOException {
    Path target = new Path(dir, "weights.safetensors");
    AtomicFiles.writeAtomically(fs, target, "previous".getBytes(UTF_8));
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                AtomicFiles.writeAtomically(
                    fs,
                    target,
                    out -> {
                      out.write(new byte[100_000]);
                      throw new IOException("disk full, say");
                    }));
    assertEquals("disk full, say", e.getMessage());
    assertEquals("previous", read(target));
    assertEquals(Set.of("weights.safetensors"), listing(dir));
  }

  @Test
  void replacesADirectoryWhole() throws IOException {
    Path model = new Path(dir, "model");
    AtomicFiles.replaceDirectoryAtomically(
        fs,
        model,
        d -> {
          write(new Path(d, "weights.safetensors"), "w1");
          write(new Path(d, "old-only.json"), "x");
        });
    AtomicFiles.replaceDirectoryAtomically(
        fs,
        model,
        d -> {
          write(new Path(d, "weights.safetensors"), "w2");
          write(new Path(d, "model.json"), "m2");
        });
    assertEquals(Set.of("weights.safetensors", "model.json"), listing(model));
    assertEquals("w2", read(new Path(model, "weights.safetensors")));
    assertEquals(Set.of("model"), listing(dir));
  }

  @Test
  void saveThatFailsMidDirectoryLeavesThePreviousModelLoadable() throws IOException {
    Path model = new Path(dir, "model");
    AtomicFiles.replaceDirectoryAtomically(
        fs,
        model,
        d -> {
          write(new Path(d, "weights.safetensors"), "w1");
          write(new Path(d, "model.json"), "m1");
        });
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () ->
                AtomicFiles.replaceDirectoryAtomically(
                    fs,
                    model,
                    d -> {
                      write(new Path(d, "weights.safetensors"), "w2");
                      throw new IllegalStateException("out of memory in the middle, say");
                    }));
    assertEquals("out of memory in the middle, say", e.getMessage());
    assertEquals("w1", read(new Path(model, "weights.safetensors")));
    assertEquals("m1", read(new Path(model, "model.json")));
    assertEquals(Set.of("model"), listing(dir));
  }

  /**
   * The process dies after moving the old file aside and before moving the new one in: every file
   * system call from then on fails, so no cleanup runs. A reader sees no target and is pointed at
   * the backup; recover() puts the old file back and removes the rest.
   */
  @Test
  void recoverAfterACrashBetweenTheTwoRenamesRestoresTheOldFile() throws IOException {
    Path target = new Path(dir, "weights.safetensors");
    AtomicFiles.writeAtomically(fs, target, "old".getBytes(UTF_8));
    CrashingFileSystem crashing = new CrashingFileSystem(fs, 2);
    assertThrows(
        IOException.class,
        () -> AtomicFiles.writeAtomically(crashing, target, "new".getBytes(UTF_8)));

    Set<String> left = listing(dir);
    assertFalse(left.contains("weights.safetensors"), left.toString());
    assertTrue(left.contains(".weights.safetensors.bak"), left.toString());
    assertTrue(left.stream().anyMatch(n -> n.startsWith(".weights.safetensors.tmp-")), left + "");
    FileNotFoundException missing =
        assertThrows(FileNotFoundException.class, () -> AtomicFiles.readAll(fs, target, 100));
    assertTrue(
        missing.getMessage().contains(".weights.safetensors.bak exists"), missing.getMessage());

    assertTrue(AtomicFiles.recover(fs, target), "restored from the backup");
    assertEquals("old", read(target));
    assertEquals(Set.of("weights.safetensors"), listing(dir));
    assertFalse(AtomicFiles.recover(fs, target), "nothing left to repair");
  }

  @Test
  void recoverAfterACrashBetweenTheTwoRenamesRestoresTheOldDirectory() throws IOException {
    Path model = new Path(dir, "model");
    AtomicFiles.replaceDirectoryAtomically(
        fs, model, d -> write(new Path(d, "weights.safetensors"), "w1"));
    CrashingFileSystem crashing = new CrashingFileSystem(fs, 2);
    assertThrows(
        IOException.class,
        () ->
            AtomicFiles.replaceDirectoryAtomically(
                crashing, model, d -> write(crashing, new Path(d, "weights.safetensors"), "w2")));
    assertFalse(fs.exists(model));

    assertTrue(AtomicFiles.recover(fs, model));
    assertEquals("w1", read(new Path(model, "weights.safetensors")));
    assertEquals(Set.of("model"), listing(dir));
  }

  /** Dying after the new file is in place, before the backup is deleted, keeps the new file. */
  @Test
  void recoverAfterACrashBeforeTheBackupIsDeletedKeepsTheNewFile() throws IOException {
    Path target = new Path(dir, "model.json");
    AtomicFiles.writeAtomically(fs, target, "old".getBytes(UTF_8));
    CrashingFileSystem crashing = new CrashingFileSystem(fs, 3);
    // The failed delete is swallowed: the save itself succeeded.
    AtomicFiles.writeAtomically(crashing, target, "new".getBytes(UTF_8));
    assertTrue(listing(dir).contains(".model.json.bak"));

    assertFalse(AtomicFiles.recover(fs, target));
    assertEquals("new", read(target));
    assertEquals(Set.of("model.json"), listing(dir));
  }

  /** Dying while the temporary is written leaves it behind; the next write removes it. */
  @Test
  void aTemporaryLeftByACrashIsRemovedByTheNextWrite() throws IOException {
    Path target = new Path(dir, "model.json");
    AtomicFiles.writeAtomically(fs, target, "old".getBytes(UTF_8));
    CrashingFileSystem crashing = new CrashingFileSystem(fs, Integer.MAX_VALUE);
    assertThrows(
        IOException.class,
        () ->
            AtomicFiles.writeAtomically(
                crashing,
                target,
                out -> {
                  out.write("half".getBytes(UTF_8));
                  crashing.die();
                  throw new IOException("the process is gone");
                }));
    assertEquals(2, listing(dir).size(), "the temporary survives the crash: " + listing(dir));
    assertEquals("old", read(target));

    AtomicFiles.writeAtomically(fs, target, "new".getBytes(UTF_8));
    assertEquals("new", read(target));
    assertEquals(Set.of("model.json"), listing(dir));
  }

  @Test
  void refusesToReplaceAFileWithADirectoryAndTheReverse() throws IOException {
    Path file = new Path(dir, "file");
    Path directory = new Path(dir, "directory");
    AtomicFiles.writeAtomically(fs, file, new byte[] {1});
    fs.mkdirs(directory);
    IOException e1 =
        assertThrows(
            IOException.class, () -> AtomicFiles.writeAtomically(fs, directory, new byte[] {2}));
    assertTrue(e1.getMessage().contains("is a directory"), e1.getMessage());
    IOException e2 =
        assertThrows(
            IOException.class, () -> AtomicFiles.replaceDirectoryAtomically(fs, file, d -> {}));
    assertTrue(e2.getMessage().contains("is a file"), e2.getMessage());
  }

  @Test
  void readAllNamesThePathOnEveryFailure() throws IOException {
    Path missing = new Path(dir, "nope.safetensors");
    FileNotFoundException e1 =
        assertThrows(FileNotFoundException.class, () -> AtomicFiles.readAll(fs, missing, 100));
    assertTrue(e1.getMessage().startsWith(missing + ": no such file"), e1.getMessage());

    Path big = new Path(dir, "big");
    AtomicFiles.writeAtomically(fs, big, new byte[101]);
    IOException e2 = assertThrows(IOException.class, () -> AtomicFiles.readAll(fs, big, 100));
    assertTrue(
        e2.getMessage().contains(big + ": 101 bytes, more than the 100 allowed"), e2.getMessage());
    assertArrayEquals(new byte[101], AtomicFiles.readAll(fs, big, 101));

    IOException e3 = assertThrows(IOException.class, () -> AtomicFiles.readAll(fs, dir, 100));
    assertTrue(e3.getMessage().contains("is a directory"), e3.getMessage());
  }

  @Test
  void crashingFileSystemCountsOnlyRenamesAndDeletes() throws IOException {
    CrashingFileSystem c = new CrashingFileSystem(fs, 2);
    Path a = new Path(dir, "a");
    write(c, a, "x");
    assertTrue(c.rename(a, new Path(dir, "b")));
    assertThrows(IOException.class, () -> c.delete(new Path(dir, "b"), false));
    assertThrows(IOException.class, () -> c.exists(new Path(dir, "b")));
    assertEquals(Set.of("b"), listing(dir));
  }

  // --------------------------------------------------------------------------------- helpers

  private String read(Path p) throws IOException {
    return new String(AtomicFiles.readAll(fs, p, 1 << 20), UTF_8);
  }

  private void write(Path p, String text) throws IOException {
    write(fs, p, text);
  }

  private static void write(FileSystem fs, Path p, String text) throws IOException {
    try (FSDataOutputStream out = fs.create(p, false)) {
      out.write(text.getBytes(UTF_8));
    }
  }

  /** Names in a directory, as Hadoop lists them (the local file system hides its .crc files). */
  private Set<String> listing(Path d) throws IOException {
    Set<String> names = new TreeSet<>();
    for (FileStatus s : fs.listStatus(d)) {
      names.add(s.getPath().getName());
    }
    return names;
  }

  /**
   * The local file system until the {@code crashAt}-th rename or delete (1-based), which fails, and
   * from then on every call fails: a process that died at that point never ran its cleanup.
   */
  private static final class CrashingFileSystem extends FilterFileSystem {
    private final int crashAt;
    private int mutations;
    private boolean dead;

    CrashingFileSystem(FileSystem local, int crashAt) {
      super(local);
      setConf(local.getConf());
      this.crashAt = crashAt;
    }

    void die() {
      dead = true;
    }

    private void step(boolean mutation) throws IOException {
      if (!dead && mutation && ++mutations == crashAt) {
        dead = true;
      }
      if (dead) {
        throw new IOException("simulated crash: the process is gone");
      }
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
      step(true);
      return super.rename(src, dst);
    }

    @Override
    public boolean delete(Path f, boolean recursive) throws IOException {
      step(true);
      return super.delete(f, recursive);
    }

    @Override
    public FSDataOutputStream create(
        Path f,
        FsPermission permission,
        boolean overwrite,
        int bufferSize,
        short replication,
        long blockSize,
        Progressable progress)
        throws IOException {
      step(false);
      return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public boolean mkdirs(Path f, FsPermission permission) throws IOException {
      step(false);
      return super.mkdirs(f, permission);
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
      step(false);
      return super.getFileStatus(f);
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
      step(false);
      return super.listStatus(f);
    }
  }
}
